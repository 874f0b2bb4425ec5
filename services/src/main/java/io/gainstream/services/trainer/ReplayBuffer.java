package io.gainstream.services.trainer;

import io.gainstream.model.train.Example;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A bounded replay buffer of training examples: the newest {@code capacity} distinct images. A
 * sample of an image already held replaces the older one; when full, the oldest is dropped.
 */
public final class ReplayBuffer {
  private final int capacity;
  private final List<Example> slots = new ArrayList<>();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private int next;

  public ReplayBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public void add(Example e) {
    Integer at = slotOf.get(e.id());
    if (at != null) {
      slots.set(at, e);
      return;
    }
    if (slots.size() < capacity) {
      slotOf.put(e.id(), slots.size());
      slots.add(e);
      return;
    }
    slotOf.remove(slots.get(next).id());
    slots.set(next, e);
    slotOf.put(e.id(), next);
    next = (next + 1) % capacity;
  }

  /**
   * Orders the held examples by image id. Called when training starts on a complete set, it makes
   * runs reproducible from a seed whatever order the partitions delivered the samples in.
   */
  public void sortById() {
    slots.sort(Comparator.comparing(Example::id));
    slotOf.clear();
    for (int i = 0; i < slots.size(); i++) {
      slotOf.put(slots.get(i).id(), i);
    }
    next = slots.size() % capacity;
  }

  /** Removes the examples of {@code ids} and returns them (in slot order). */
  public List<Example> take(Set<String> ids) {
    List<Example> taken = new ArrayList<>();
    List<Example> kept = new ArrayList<>();
    for (Example e : slots) {
      (ids.contains(e.id()) ? taken : kept).add(e);
    }
    slots.clear();
    slots.addAll(kept);
    slotOf.clear();
    for (int i = 0; i < slots.size(); i++) {
      slotOf.put(slots.get(i).id(), i);
    }
    next = slots.size() % capacity;
    return taken;
  }

  public int size() {
    return slots.size();
  }

  /** The held examples, in slot order (id order after {@link #sortById}). */
  public List<Example> all() {
    return List.copyOf(slots);
  }

  /** Examples drawn uniformly with replacement. */
  public List<Example> sample(int n, Random rnd) {
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(slots.get(rnd.nextInt(slots.size())));
    }
    return out;
  }
}
