package dev.converge.inmemory.http;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' version priority ({@code apimachinery/pkg/version.CompareKubeAwareVersionStrings}): GA before beta
 * before alpha, higher major first, higher pre-release number first; versions that do not follow the pattern
 * come last, alphabetically.
 */
final class KubeVersions {
  private static final Pattern KUBE = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** Most preferred first. */
  static final Comparator<String> PRIORITY = KubeVersions::compare;

  private KubeVersions() {}

  private static int compare(String a, String b) {
    Matcher ma = KUBE.matcher(a);
    Matcher mb = KUBE.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      return ka == kb ? a.compareTo(b) : (ka ? -1 : 1);
    }
    int stability = Integer.compare(rank(mb.group(2)), rank(ma.group(2)));
    if (stability != 0) {
      return stability;
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0) {
      return major;
    }
    return ma.group(3) == null ? 0 : Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int rank(String stage) {
    if (stage == null) {
      return 2;
    }
    return stage.equals("beta") ? 1 : 0;
  }
}
