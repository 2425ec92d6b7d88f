package dev.converge.inmemory.server;

/** The patch content types kube-apiserver accepts. */
public enum PatchType {
  /** RFC 6902, {@code application/json-patch+json}. */
  JSON("application/json-patch+json"),
  /** RFC 7386, {@code application/merge-patch+json}. */
  MERGE("application/merge-patch+json"),
  /** Kubernetes' strategic merge patch, built-in kinds only. */
  STRATEGIC("application/strategic-merge-patch+json"),
  /** Server-side apply, {@code application/apply-patch+yaml}. */
  APPLY("application/apply-patch+yaml");

  private final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** The type of a {@code Content-Type} header value. */
  public static PatchType fromContentType(String contentType) {
    for (PatchType type : values()) {
      if (contentType.startsWith(type.contentType)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unsupported patch content type " + contentType);
  }
}
