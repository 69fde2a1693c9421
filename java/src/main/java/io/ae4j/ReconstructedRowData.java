package io.ae4j;

import java.io.ObjectStreamException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * genmodel's {@code reconstructedRowData}, built only when it is first read: a numeric column to
 * its reconstructed {@link Double}, a categorical to a {@code HashMap<String, Double>} from each
 * level (and the {@code null} key for NA) to its slot's value.
 *
 * <p>Most callers read {@code reconstructed} or {@code mse} and never this map; building it (a
 * boxed Double and a map entry per slot) cost about as much as scoring a small model. So a
 * prediction carries this {@link RowData} holding a copy of the reconstruction, and every method
 * of the map builds the entries first: it is an ordinary RowData as soon as anyone looks. Safe
 * to read from several threads (the build is synchronized and published through a volatile).
 * It serializes as a plain {@link RowData} with the same entries.
 */
final class ReconstructedRowData extends RowData {
  private static final long serialVersionUID = 1L;

  /** What the entries are made of: the model's columns and where their slots start. */
  static final class Layout {
    final String[] names;
    final String[][] domains;
    final int[] catOffsets;

    Layout(String[] names, String[][] domains, int[] catOffsets) {
      this.names = names;
      this.domains = domains;
      this.catOffsets = catOffsets;
    }

    int nCats() {
      return catOffsets.length - 1;
    }
  }

  private transient Layout layout;
  private transient double[] values;
  private transient volatile boolean built;

  /** @param reconstructed the reconstruction, kept as is (pass a copy) */
  ReconstructedRowData(Layout layout, double[] reconstructed) {
    super(layout.names.length);
    this.layout = layout;
    this.values = reconstructed;
  }

  private void build() {
    if (built) {
      return;
    }
    synchronized (this) {
      if (built) {
        return;
      }
      if (layout != null && values != null) {
        fill(layout, values);
      }
      layout = null;
      values = null;
      built = true;
    }
  }

  private void fill(Layout l, double[] reconstructed) {
    int nCats = l.nCats();
    for (int c = 0; c < nCats; c++) {
      String[] levels = l.domains[c];
      int start = l.catOffsets[c];
      // genmodel's map: new HashMap<>(levels + 1), grown as it fills (the same iteration order)
      HashMap<String, Double> m = new HashMap<String, Double>(RowData.tableSize(levels.length + 1, levels.length + 1));
      for (int j = 0; j < levels.length; j++) {
        m.put(levels[j], reconstructed[start + j]);
      }
      m.put(null, reconstructed[l.catOffsets[c + 1] - 1]);
      super.put(l.names[c], m);
    }
    int first = l.catOffsets[nCats];
    for (int k = nCats; k < l.names.length; k++) {
      super.put(l.names[k], reconstructed[first + k - nCats]);
    }
  }

  /** Serialized as the plain RowData it stands for. */
  private Object writeReplace() throws ObjectStreamException {
    build();
    RowData plain = new RowData(size());
    plain.putAll(this);
    return plain;
  }

  // Every method of the map sees the built entries. HashMap's own helpers (putAll, the
  // constructor from a map, AbstractMap's equals/hashCode/toString) reach a map through these.

  @Override
  public int size() {
    build();
    return super.size();
  }

  @Override
  public boolean isEmpty() {
    build();
    return super.isEmpty();
  }

  @Override
  public Object get(Object key) {
    build();
    return super.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    build();
    return super.containsKey(key);
  }

  @Override
  public Object put(String key, Object value) {
    build();
    return super.put(key, value);
  }

  @Override
  public void putAll(Map<? extends String, ?> m) {
    build();
    super.putAll(m);
  }

  @Override
  public Object remove(Object key) {
    build();
    return super.remove(key);
  }

  @Override
  public void clear() {
    build();
    super.clear();
  }

  @Override
  public boolean containsValue(Object value) {
    build();
    return super.containsValue(value);
  }

  @Override
  public Set<String> keySet() {
    build();
    return super.keySet();
  }

  @Override
  public Collection<Object> values() {
    build();
    return super.values();
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    build();
    return super.entrySet();
  }

  @Override
  public Object getOrDefault(Object key, Object defaultValue) {
    build();
    return super.getOrDefault(key, defaultValue);
  }

  @Override
  public Object putIfAbsent(String key, Object value) {
    build();
    return super.putIfAbsent(key, value);
  }

  @Override
  public boolean remove(Object key, Object value) {
    build();
    return super.remove(key, value);
  }

  @Override
  public boolean replace(String key, Object oldValue, Object newValue) {
    build();
    return super.replace(key, oldValue, newValue);
  }

  @Override
  public Object replace(String key, Object value) {
    build();
    return super.replace(key, value);
  }

  @Override
  public Object computeIfAbsent(String key, Function<? super String, ?> mappingFunction) {
    build();
    return super.computeIfAbsent(key, mappingFunction);
  }

  @Override
  public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> remappingFunction) {
    build();
    return super.computeIfPresent(key, remappingFunction);
  }

  @Override
  public Object compute(String key, BiFunction<? super String, ? super Object, ?> remappingFunction) {
    build();
    return super.compute(key, remappingFunction);
  }

  @Override
  public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> remappingFunction) {
    build();
    return super.merge(key, value, remappingFunction);
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    build();
    super.forEach(action);
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
    build();
    super.replaceAll(function);
  }

  /** A shallow copy of the built entries, as HashMap's clone is. */
  @Override
  public Object clone() {
    build();
    return super.clone();
  }

  @Override
  public boolean equals(Object o) {
    build();
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    build();
    return super.hashCode();
  }

  @Override
  public String toString() {
    build();
    return super.toString();
  }
}
