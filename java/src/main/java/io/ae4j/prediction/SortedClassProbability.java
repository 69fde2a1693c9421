package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.SortedClassProbability}: a class name and its
 * probability, ordered by probability. Only classifiers produce them; kept so that programs
 * written against genmodel compile.
 */
@SuppressWarnings("rawtypes") // genmodel's raw Comparable, for the same signature
public class SortedClassProbability implements Comparable {
  public String name;
  public double probability;

  @Override
  public int compareTo(Object o) {
    SortedClassProbability other = (SortedClassProbability) o;
    // genmodel's order: by < and >, so a NaN compares equal to anything
    if (probability < other.probability) {
      return -1;
    }
    return probability > other.probability ? 1 : 0;
  }
}
