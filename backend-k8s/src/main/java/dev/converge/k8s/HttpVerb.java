package dev.converge.k8s;

/**
 * The kinds of request the backend makes, used to tag metrics and to read some answers: a 409 to a
 * {@link #CREATE} always means the name is taken, never a stale {@code resourceVersion}.
 */
enum HttpVerb {
  DISCOVERY("discovery"),
  GET("get"),
  LIST("list"),
  WATCH("watch"),
  CREATE("create"),
  UPDATE("update"),
  UPDATE_STATUS("update_status"),
  APPLY("apply"),
  DELETE("delete");

  private final String tag;

  HttpVerb(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code verb} metric tag. */
  String tag() {
    return tag;
  }
}
