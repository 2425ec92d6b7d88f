package dev.converge.core.schema;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' priority order of API versions ({@code k8s.io/apimachinery/pkg/version}
 * {@code CompareKubeAwareVersionStrings}): GA before beta before alpha, higher major first, then higher
 * minor ({@code v2 > v1 > v2beta1 > v1beta2 > v1beta1 > v1alpha1}), and versions that are not Kubernetes-like
 * last, alphabetically. Discovery uses it to pick the version of a custom resource served in several, and a
 * deprecated version's warning to name the newer one to use.
 */
public final class KubeVersions {
  private static final Pattern KUBE = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** Orders versions from the most preferred to the least. */
  public static final Comparator<String> PRIORITY = KubeVersions::compare;

  private KubeVersions() {}

  public static int compare(String a, String b) {
    Matcher ma = KUBE.matcher(a);
    Matcher mb = KUBE.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (!ka || !kb) {
      if (ka != kb) {
        return ka ? -1 : 1;
      }
      return a.compareTo(b);
    }
    int stage = Integer.compare(stage(mb.group(2)), stage(ma.group(2)));
    if (stage != 0) {
      return stage;
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0) {
      return major;
    }
    long minorA = ma.group(3) == null ? 0 : Long.parseLong(ma.group(3));
    long minorB = mb.group(3) == null ? 0 : Long.parseLong(mb.group(3));
    return Long.compare(minorB, minorA);
  }

  private static int stage(String qualifier) {
    if (qualifier == null) {
      return 2;
    }
    return qualifier.equals("beta") ? 1 : 0;
  }
}
