package io.ae4j.exception;

/**
 * genmodel's {@code hex.genmodel.easy.exception.PredictWrongModelCategoryException}. genmodel
 * 3.46.0.7 declares it but its wrapper does not throw it: a {@code predictX} of another category
 * throws a plain {@link PredictException} ({@code "<category> prediction type is not supported
 * for this model."}), and so does ae4j's. Kept so that code catching it compiles.
 */
public class PredictWrongModelCategoryException extends PredictException {
  private static final long serialVersionUID = 1L;

  public PredictWrongModelCategoryException(String message) {
    super(message);
  }
}
