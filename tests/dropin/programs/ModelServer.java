// A model server's endpoints (the shape of a REST/gRPC scoring service): GET /model reports the
// model's metadata as JSON, POST /predict scores a row given as key=value pairs, and the startup
// code tries genmodel's optional features and keeps what the model supports. Written against
// h2o-genmodel; compiled again with only its imports rewritten.
import hex.ModelCategory;
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import hex.genmodel.easy.prediction.AbstractPrediction;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.IOException;
import java.util.Arrays;

public class ModelServer {
  private final MojoModel mojo;
  private final EasyPredictModelWrapper wrapper;
  private final StringBuilder log = new StringBuilder();

  ModelServer(String path) throws IOException {
    mojo = MojoModel.load(path);
    EasyPredictModelWrapper.Config config = new EasyPredictModelWrapper.Config();
    tryOption("contributions (no model yet)", () -> config.setEnableContributions(true));
    config.setModel(mojo);
    tryOption("contributions", () -> config.setEnableContributions(true));
    tryOption("leaf assignment", () -> config.setEnableLeafAssignment(true));
    tryOption("staged probabilities", () -> config.setEnableStagedProbabilities(true));
    tryOption("GLRM reconstruction", () -> config.setEnableGLRMReconstrut(true));
    tryOption("GLRM iterations", () -> config.setGLRMIterNumber(10));
    tryOption("contributions off", () -> config.setEnableContributions(false));
    tryOption("leaf assignment off", () -> config.setEnableLeafAssignment(false));
    config.setUseExternalEncoding(false).setUseExtendedOutput(true);
    log.append("config: contributions=").append(config.getEnableContributions())
        .append(" leaves=").append(config.getEnableLeafAssignment())
        .append(" staged=").append(config.getEnableStagedProbabilities())
        .append(" glrm=").append(config.getEnableGLRMReconstrut())
        .append(" glrmIter=").append(config.getGLRMIterNumber())
        .append(" externalEncoding=").append(config.getUseExternalEncoding())
        .append(" extended=").append(config.getUseExtendedOutput())
        .append(" unknownToNa=").append(config.getConvertUnknownCategoricalLevelsToNa())
        .append(" invalidToNa=").append(config.getConvertInvalidNumbersToNa())
        .append(" errorConsumer=").append(config.getErrorConsumer()).append('\n');
    wrapper = new EasyPredictModelWrapper(config);
    log.append("wrapper: contributions=").append(wrapper.getEnableContributions())
        .append(" leaves=").append(wrapper.getEnableLeafAssignment())
        .append(" staged=").append(wrapper.getEnableStagedProbabilities())
        .append(" glrm=").append(wrapper.getEnableGLRMReconstruct()).append('\n');
  }

  interface Option {
    void set() throws IOException;
  }

  private void tryOption(String what, Option o) {
    try {
      o.set();
      log.append("option ").append(what).append(": on\n");
    } catch (IOException e) {
      log.append("option ").append(what).append(": refused: ").append(e.getMessage()).append('\n');
    }
  }

  /** GET /model */
  String describe() {
    StringBuilder j = new StringBuilder("{\n");
    field(j, "category", wrapper.getModelCategory());
    field(j, "categories", mojo.getModelCategories());
    field(j, "uuid", wrapper.getModel().getUUID());
    field(j, "_uuid", mojo._uuid);
    field(j, "algo", mojo._algoName);
    field(j, "h2o_version", mojo._h2oVersion);
    field(j, "mojo_version", mojo._mojo_version);
    field(j, "_category", mojo._category);
    field(j, "_supervised", mojo._supervised);
    field(j, "_nfeatures", mojo._nfeatures);
    field(j, "_nclasses", mojo._nclasses);
    field(j, "_balanceClasses", mojo._balanceClasses);
    field(j, "_defaultThreshold", mojo._defaultThreshold);
    field(j, "_priorClassDistrib", Arrays.toString(mojo._priorClassDistrib));
    field(j, "_modelClassDistrib", Arrays.toString(mojo._modelClassDistrib));
    field(j, "supervised", mojo.isSupervised());
    field(j, "autoencoder", mojo.isAutoEncoder());
    field(j, "classifier", mojo.isClassifier());
    field(j, "requiresOffset", mojo.requiresOffset());
    field(j, "nfeatures", mojo.nfeatures());
    field(j, "nCatFeatures", mojo.nCatFeatures());
    field(j, "nclasses", mojo.nclasses());
    field(j, "numCols", mojo.getNumCols());
    field(j, "origNumCols", mojo.getOrigNumCols());
    field(j, "features", Arrays.toString(mojo.features()));
    field(j, "_names", Arrays.toString(mojo._names));
    field(j, "_domains", Arrays.deepToString(mojo._domains));
    field(j, "domainValues", Arrays.deepToString(mojo.getDomainValues()));
    field(j, "_responseColumn", mojo._responseColumn);
    field(j, "_offsetColumn", mojo._offsetColumn);
    field(j, "_foldColumn", mojo._foldColumn);
    field(j, "_treatmentColumn", mojo._treatmentColumn);
    field(j, "offsetName", mojo.getOffsetName());
    field(j, "origNames", Arrays.toString(mojo.getOrigNames()));
    field(j, "origDomainValues", Arrays.deepToString(mojo.getOrigDomainValues()));
    field(j, "origProjectionArray", Arrays.toString(mojo.getOrigProjectionArray()));
    field(j, "encoding", mojo.getCategoricalEncoding());
    field(j, "encodingParametrized", mojo.getCategoricalEncoding().isParametrized());
    field(j, "predsSize", mojo.getPredsSize());
    StringBuilder sizes = new StringBuilder();
    for (ModelCategory c : ModelCategory.values()) {
      sizes.append(c).append(':').append(mojo.getPredsSize(c)).append(' ');
    }
    field(j, "predsSizeByCategory", sizes.toString().trim());
    field(j, "outputNames", Arrays.toString(mojo.getOutputNames()));
    field(j, "outputDomains", Arrays.deepToString(mojo.getOutputDomains()));
    field(j, "header", wrapper.getHeader());
    field(j, "modelHeader", mojo.getHeader());
    StringBuilder levels = new StringBuilder();
    for (int i = 0; i < mojo.nfeatures(); i++) {
      String name = mojo.getNames()[i];
      levels.append(name).append('#').append(mojo.getColIdx(name)).append(':').append(mojo.getNumClasses(i));
      String[] d = mojo.getDomainValues(name);
      if (d != null) {
        levels.append('[').append(mojo.mapEnum(i, d[d.length - 1])).append(',').append(mojo.mapEnum(i, "no such level")).append(']');
      } else {
        levels.append('[').append(mojo.mapEnum(i, "x")).append(']');
      }
      levels.append(' ');
    }
    field(j, "columns", levels.toString().trim());
    field(j, "colIdx(unknown)", mojo.getColIdx("no such column"));
    field(j, "calibrate", mojo.calibrateClassProbabilities(new double[3]));
    field(j, "sameInstance", mojo.internal_threadSafeInstance() == mojo);
    field(j, "wrapperModel", wrapper.getModel() == mojo && wrapper.m == mojo);
    attempt(j, "responseName", () -> mojo.getResponseName());
    attempt(j, "responseIdx", () -> mojo.getResponseIdx());
    attempt(j, "numResponseClasses", () -> mojo.getNumResponseClasses());
    attempt(j, "responseDomainValues", () -> Arrays.toString(wrapper.getResponseDomainValues()));
    attempt(j, "mapEnum(null)", () -> mojo.mapEnum(0, null));
    attempt(j, "numClasses(out of range)", () -> mojo.getNumClasses(mojo.nfeatures() + 5));
    return j.append("}").toString();
  }

  interface Value {
    Object get();
  }

  private static void attempt(StringBuilder j, String name, Value v) {
    try {
      field(j, name, v.get());
    } catch (RuntimeException e) {
      field(j, name, e.getClass().getName() + (e instanceof UnsupportedOperationException ? ": " + e.getMessage() : ""));
    }
  }

  private static void field(StringBuilder j, String name, Object value) {
    j.append("  \"").append(name).append("\": \"").append(value).append("\",\n");
  }

  /** POST /predict with a body of key=value pairs separated by '&'. */
  String predict(String body) {
    RowData row = new RowData();
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      row.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    try {
      AbstractPrediction p = wrapper.predict(row);
      AutoEncoderModelPrediction ae = (AutoEncoderModelPrediction) p;
      double[] raw = new double[mojo.nfeatures()];
      Arrays.fill(raw, Double.NaN);
      double[] preds = mojo.score0(raw, new double[mojo.getPredsSize(ModelCategory.AutoEncoder)]);
      return "200 mse=" + ae.mse + " reconstructed=" + Arrays.toString(ae.reconstructed)
          + " score0(all missing)=" + Arrays.toString(preds)
          + " score0(offset)=" + Arrays.toString(mojo.score0(raw, 1.0, new double[preds.length + 3]));
    } catch (PredictException e) {
      return "400 " + e.getMessage();
    }
  }

  public static void main(String[] args) throws IOException {
    ModelServer server = new ModelServer(args[0]);
    System.out.print(server.log);
    System.out.println(server.describe());
    for (int i = 1; i < args.length; i++) {
      System.out.println("POST /predict " + args[i] + " -> " + server.predict(args[i]));
    }
    try {
      server.mojo.score0(new double[server.mojo.nfeatures()], new double[server.mojo.getPredsSize()]);
      System.out.println("score0 with getPredsSize() slots: ok");
    } catch (ArrayIndexOutOfBoundsException e) {
      System.out.println("score0 with getPredsSize() slots: " + e.getClass().getName());
    }
  }
}
