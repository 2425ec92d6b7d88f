package dev.converge.inmemory.http;

import org.jspecify.annotations.Nullable;

/**
 * The form a client asks for in {@code Accept} ({@code k8s.io/apiserver/pkg/endpoints/handlers/negotiation}):
 * the object itself, a {@code meta.k8s.io} {@code Table} ({@code kubectl get}), or
 * {@code PartialObjectMetadata} (metadata-only informers such as the garbage collector's). The first media type
 * the server can produce wins, as kube-apiserver negotiates.
 */
enum Representation {
  OBJECT,
  TABLE,
  METADATA;

  static Representation fromAccept(@Nullable String accept) {
    if (accept == null) {
      return OBJECT;
    }
    for (String mediaType : accept.split(",")) {
      String type = mediaType.trim();
      if (type.contains("as=Table") && type.contains("g=meta.k8s.io")) {
        return TABLE;
      }
      if ((type.contains("as=PartialObjectMetadata") || type.contains("as=PartialObjectMetadataList"))
          && type.contains("g=meta.k8s.io")) {
        return METADATA;
      }
      if (type.startsWith("application/json") || type.startsWith("*/*") || type.startsWith("application/*")) {
        return OBJECT;
      }
    }
    return OBJECT;
  }
}
