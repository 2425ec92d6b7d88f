package dev.converge.inmemory.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * The Kubernetes CEL libraries that CRD rules can call in 1.32 ({@code k8s.io/apiserver/pkg/cel/library}): lists
 * ({@link ListFunctions}), regex and URLs ({@link TextFunctions}), quantities ({@link QuantityFunctions}), IP
 * addresses and CIDRs ({@link NetFunctions}), and formats ({@link FormatFunctions}). Not here: {@code authz}, which
 * CRD rules cannot use (they have no {@code authorizer}), and what later releases add (semver, image, {@code
 * ext.Lists}): a rule that calls them does not compile, as in 1.32.
 */
final class KubernetesLibrary {
  private static final FunctionTable TABLE = table();

  private KubernetesLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return TABLE.declarations();
  }

  static List<CelFunctionBinding> bindings() {
    return TABLE.bindings();
  }

  private static FunctionTable table() {
    FunctionTable table = new FunctionTable();
    table.opaque(TextFunctions.URL, TextFunctions.KubeUrl.class);
    table.opaque(QuantityFunctions.QUANTITY, QuantityFunctions.KubeQuantity.class);
    table.opaque(NetFunctions.IP, NetFunctions.KubeIp.class);
    table.opaque(NetFunctions.CIDR, NetFunctions.KubeCidr.class);
    table.opaque(FormatFunctions.FORMAT, FormatFunctions.Format.class);
    ListFunctions.register(table);
    TextFunctions.regex(table);
    TextFunctions.urls(table);
    QuantityFunctions.register(table);
    NetFunctions.ip(table);
    NetFunctions.cidr(table);
    FormatFunctions.register(table);
    return table;
  }
}
