package dev.converge.core.manifest;

import org.jspecify.annotations.Nullable;

/**
 * A manifest set cannot be read. The message is one line a user can act on, {@code <file>: document
 * <n>: <field>: <problem>}, with the parts that do not apply left out: a missing file has no document, a
 * non-object document has no field, and a YAML syntax error names {@code line L, column C} in place of a
 * field.
 */
public final class ManifestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int document;
  private final String field;
  private final String problem;

  private ManifestException(String file, int document, String field, String problem, @Nullable Throwable cause) {
    super(format(file, document, field, problem), cause);
    this.file = file;
    this.document = document;
    this.field = field;
    this.problem = problem;
  }

  /** A problem with a whole file or directory (missing, unreadable, nothing in it). */
  public static ManifestException file(String file, String problem, @Nullable Throwable cause) {
    return new ManifestException(file, 0, "", problem, cause);
  }

  /** A problem with one document, at a field ({@code metadata.name}) or, with an empty field, as a whole. */
  public static ManifestException document(ManifestSource source, String field, String problem) {
    return new ManifestException(source.file(), source.document(), field, problem, null);
  }

  /** A problem with one document, caused by {@code cause} (kept for {@code --verbose} stack traces). */
  public static ManifestException document(ManifestSource source, String field, String problem, @Nullable Throwable cause) {
    return new ManifestException(source.file(), source.document(), field, problem, cause);
  }

  /** A problem found before any resource could be read, such as a set without any resources. */
  public static ManifestException input(String problem) {
    return new ManifestException("", 0, "", problem, null);
  }

  /** The file at fault, as the user named it, or empty when the problem is not one file's. */
  public String file() {
    return file;
  }

  /** The 1-based index of the document at fault, or 0 when the problem is the whole file's. */
  public int document() {
    return document;
  }

  /** The dotted path of the field at fault, {@code line L, column C} for syntax errors, or empty. */
  public String field() {
    return field;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }

  private static String format(String file, int document, String field, String problem) {
    StringBuilder out = new StringBuilder();
    if (!file.isEmpty()) {
      out.append(file).append(": ");
    }
    if (document > 0) {
      out.append("document ").append(document).append(": ");
    }
    if (!field.isEmpty()) {
      out.append(field).append(": ");
    }
    return out.append(problem).toString();
  }
}
