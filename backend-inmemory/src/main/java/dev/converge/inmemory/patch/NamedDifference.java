package dev.converge.inmemory.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * What an applier's pruning removes: {@code last.withNamedFieldsAsMembers()} minus the union of every
 * owner's {@code withNamedFieldsAsMembers()} (structured-merge-diff's {@code prune} with {@code
 * EnsureNamedFieldsAreMembers}), computed in one walk without building the union or the copies.
 */
final class NamedDifference {
  private NamedDifference() {}

  static FieldSet of(FieldSet last, List<FieldSet> owners) {
    FieldSet out = new FieldSet();
    into(last, owners, out);
    return out;
  }

  private static void into(FieldSet set, List<FieldSet> owners, FieldSet out) {
    for (int i = 0; i < set.size(); i++) {
      PathElement element = set.elementAt(i);
      FieldSet child = set.childAt(i);
      boolean below = child != null && !child.isEmpty();
      boolean member = (set.memberAt(i) || (below && element.isField())) && !ownedNamed(owners, element);
      FieldSet rest = null;
      if (below) {
        List<FieldSet> under = new ArrayList<>(owners.size());
        for (FieldSet owner : owners) {
          FieldSet theirs = owner.childOrNull(element);
          if (theirs != null) {
            under.add(theirs);
          }
        }
        rest = new FieldSet();
        into(child, under, rest);
      }
      out.appendUnlessEmpty(element, member, rest);
    }
  }

  /** Whether some owner holds {@code element} as a member, or as an object field with paths below it. */
  private static boolean ownedNamed(List<FieldSet> owners, PathElement element) {
    for (FieldSet owner : owners) {
      if (owner.contains(element)) {
        return true;
      }
      if (element.isField()) {
        FieldSet below = owner.childOrNull(element);
        if (below != null && !below.isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }
}
