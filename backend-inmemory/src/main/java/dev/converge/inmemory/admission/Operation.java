package dev.converge.inmemory.admission;

/** The admission operations ({@code admission.Operation}); a patch or apply is an UPDATE, or a CREATE when it creates. */
public enum Operation {
  CREATE,
  UPDATE,
  DELETE
}
