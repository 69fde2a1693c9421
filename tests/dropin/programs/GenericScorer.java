// A generic scorer, the most common shape of genmodel client code: load any MOJO, switch on its
// category, one branch per predictX. Written against h2o-genmodel; the drop-in test compiles it
// as it is, and again with only its imports rewritten to io.ae4j.
import hex.ModelCategory;
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import hex.genmodel.easy.exception.PredictWrongModelCategoryException;
import hex.genmodel.easy.prediction.*;

import java.io.BufferedReader;
import java.io.FileReader;
import java.util.Arrays;
import java.util.Map;

public class GenericScorer {
  public static void main(String[] args) throws Exception {
    MojoModel mojo = MojoModel.load(args[0]);
    EasyPredictModelWrapper model = new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config().setModel(mojo).setConvertUnknownCategoricalLevelsToNa(true));
    System.out.println("category " + model.getModelCategory() + " categories " + mojo.getModelCategories());
    try (BufferedReader in = new BufferedReader(new FileReader(args[1]))) {
      String[] header = in.readLine().split("\t", -1);
      int n = 0;
      for (String line; (line = in.readLine()) != null; n++) {
        RowData row = new RowData();
        String[] cells = line.split("\t", -1);
        for (int i = 0; i < header.length; i++) {
          if (!cells[i].isEmpty()) {
            row.put(header[i], cells[i]);
          }
        }
        System.out.println("row " + n + ": " + score(model, row));
        if (n < 2) {
          everyCategory(model, row);
        }
      }
    }
  }

  static String score(EasyPredictModelWrapper model, RowData row) {
    try {
      switch (model.getModelCategory()) {
        case Binomial: {
          BinomialModelPrediction p = model.predictBinomial(row);
          return "label " + p.label + " " + Arrays.toString(p.classProbabilities);
        }
        case Multinomial: {
          MultinomialModelPrediction p = model.predictMultinomial(row);
          return "label " + p.label + " " + p.labelIndex;
        }
        case Ordinal:
          return "ordinal " + model.predictOrdinal(row).label;
        case Regression:
          return "value " + model.predictRegression(row).value;
        case Clustering:
          return "cluster " + model.predictClustering(row).cluster;
        case DimReduction:
          return "dims " + Arrays.toString(model.predictDimReduction(row).dimensions);
        case AnomalyDetection: {
          AnomalyDetectionPrediction p = model.predictAnomalyDetection(row);
          return "anomaly " + p.score + " " + p.normalizedScore + " " + p.isAnomaly;
        }
        case WordEmbedding:
          return "embeddings " + model.predictWord2Vec(row).wordEmbeddings.size();
        case CoxPH:
          return "coxph " + model.predictCoxPH(row).value;
        case KLime:
          return "klime " + model.predictKLime(row).cluster;
        case AutoEncoder: {
          AutoEncoderModelPrediction p = model.predictAutoEncoder(row);
          StringBuilder b = new StringBuilder("mse=" + p.mse + " original=" + Arrays.toString(p.original)
              + " reconstructed=" + Arrays.toString(p.reconstructed));
          for (Map.Entry<String, Object> e : p.reconstructedRowData.entrySet()) {
            b.append(' ').append(e.getKey()).append('=').append(e.getValue());
          }
          return b.toString();
        }
        default: {
          AbstractPrediction p = model.predict(row);
          return "generic " + p.getClass().getSimpleName();
        }
      }
    } catch (PredictWrongModelCategoryException e) {
      return "wrong category: " + e.getMessage();
    } catch (PredictException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** What each predictX and predict(row, category) does on this model. */
  static void everyCategory(EasyPredictModelWrapper model, RowData row) {
    for (ModelCategory c : ModelCategory.values()) {
      try {
        AbstractPrediction p = model.predict(row, c);
        System.out.println("  predict(" + c + ") -> " + p.getClass().getSimpleName());
      } catch (Exception e) {
        System.out.println("  predict(" + c + ") " + e.getClass().getName() + ": " + e.getMessage());
      }
    }
    String[] names = {"predictBinomial", "predictBinomialOffset", "predictMultinomial", "predictMultinomialOffset",
        "predictOrdinal", "predictOrdinalOffset", "predictRegression", "predictRegressionOffset", "predictClustering",
        "predictDimReduction", "predictAnomalyDetection", "predictWord2Vec", "predictWord2VecSentence", "predictCoxPH",
        "predictCoxPHOffset", "predictKLime", "predictUpliftBinomial", "transformWithTargetEncoding",
        "predictTargetEncoding", "predictRaw", "predict", "predictContributions", "leafNodeAssignment",
        "sortByDescendingClassProbability", "getResponseDomainValues", "getContributionNames"};
    for (String name : names) {
      try {
        System.out.println("  " + name + " -> " + call(model, name, row));
      } catch (Exception e) {
        System.out.println("  " + name + " " + e.getClass().getName()
            + (e instanceof PredictException || e instanceof IllegalStateException
               || e instanceof UnsupportedOperationException ? ": " + e.getMessage() : ""));
      }
    }
  }

  static Object call(EasyPredictModelWrapper m, String name, RowData row) throws Exception {
    switch (name) {
      case "predictBinomial": return m.predictBinomial(row);
      case "predictBinomialOffset": return m.predictBinomial(row, 0.5);
      case "predictMultinomial": return m.predictMultinomial(row);
      case "predictMultinomialOffset": return m.predictMultinomial(row, 0.5);
      case "predictOrdinal": return m.predictOrdinal(row);
      case "predictOrdinalOffset": return m.predictOrdinal(row, 0.5);
      case "predictRegression": return m.predictRegression(row);
      case "predictRegressionOffset": return m.predictRegression(row, 0.5);
      case "predictClustering": return m.predictClustering(row);
      case "predictDimReduction": return m.predictDimReduction(row);
      case "predictAnomalyDetection": return m.predictAnomalyDetection(row);
      case "predictWord2Vec": return m.predictWord2Vec(row);
      case "predictWord2VecSentence": return Arrays.toString(m.predictWord2Vec(new String[] {"a", "b"}));
      case "predictCoxPH": return m.predictCoxPH(row);
      case "predictCoxPHOffset": return m.predictCoxPH(row, 0.5);
      case "predictKLime": return m.predictKLime(row);
      case "predictUpliftBinomial": return m.predictUpliftBinomial(row);
      case "transformWithTargetEncoding": return m.transformWithTargetEncoding(row);
      case "predictTargetEncoding": return m.predictTargetEncoding(row);
      case "predictRaw": return Arrays.toString(m.predictRaw(row, 0.0)) + " " + Arrays.toString(m.predictRaw(row, 2.0));
      case "predict": return m.predict(row).getClass().getSimpleName();
      case "predictContributions": return Arrays.toString(m.predictContributions(row));
      case "leafNodeAssignment": return Arrays.toString(m.leafNodeAssignment(row));
      case "sortByDescendingClassProbability": return Arrays.toString(m.sortByDescendingClassProbability(new BinomialModelPrediction()));
      case "getResponseDomainValues": return Arrays.toString(m.getResponseDomainValues());
      case "getContributionNames": return Arrays.toString(m.getContributionNames());
      default: throw new IllegalArgumentException(name);
    }
  }
}
