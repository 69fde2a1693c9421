import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import hex.genmodel.GenModel;
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The reference side of the fixtures: scores every row of build/partial/NAME.json with
 * h2o-genmodel 3.46.0.7's EasyPredictModelWrapper on the MOJO, under the four Config variants,
 * and writes build/genmodel/NAME.json.  Doubles are written as Double.toHexString (exact);
 * make_models.py merge turns them into the fixture's JSON numbers.
 * If the compiled POJO class NAME is on the classpath, it is also scored on the normal rows and
 * compared with the MOJO ("pojo_check": informational, documents genmodel's POJO quirks).
 *
 * Usage: java -Dfile.encoding=UTF-8 -cp 'lib/*:pojo:.' GenmodelHarness build/partial build/genmodel
 */
public class GenmodelHarness {
  static final String[] KEYS = {"default", "unknown_to_na", "invalid_to_na", "both_to_na"};

  public static void main(String[] args) throws Exception {
    Path partialDir = Paths.get(args[0]);
    Path outDir = Paths.get(args[1]);
    Files.createDirectories(outDir);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(partialDir, "*.json")) {
      for (Path p : ds) files.add(p);
    }
    Collections.sort(files);
    for (Path p : files) run(p, outDir);
  }

  static void run(Path p, Path outDir) throws Exception {
    JsonObject in = JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
    String name = in.get("name").getAsString();
    MojoModel m = MojoModel.load(in.get("mojo").getAsString());
    EasyPredictModelWrapper[] ws = {
        wrapper(m, false, false), wrapper(m, true, false), wrapper(m, false, true), wrapper(m, true, true)};

    JsonObject out = new JsonObject();
    out.addProperty("name", name);
    String[] names = m.getNames();
    String[][] domains = m.getDomainValues();
    JsonArray cols = new JsonArray();
    JsonArray doms = new JsonArray();
    for (int i = 0; i < m.nfeatures(); i++) {
      cols.add(names[i]);
      if (domains[i] == null) {
        doms.add(JsonNull.INSTANCE);
      } else {
        JsonArray d = new JsonArray();
        for (String lv : domains[i]) d.add(lv);
        doms.add(d);
      }
    }
    out.add("columns", cols);
    out.add("domains", doms);

    JsonArray rows = new JsonArray();
    List<double[]> normalRecon = new ArrayList<>();
    List<JsonObject> normalInputs = new ArrayList<>();
    for (JsonElement re : in.getAsJsonArray("rows")) {
      JsonObject r = re.getAsJsonObject();
      JsonObject res = new JsonObject();
      for (int k = 0; k < ws.length; k++) {
        // a fresh RowData per call: nothing can leak between configurations
        res.add(KEYS[k], score(ws[k], toRowData(r.getAsJsonObject("input")), m));
      }
      JsonObject o = new JsonObject();
      o.add("id", r.get("id"));
      o.add("genmodel", res);
      rows.add(o);
      if ("normal".equals(r.get("kind").getAsString())) {
        normalInputs.add(r.getAsJsonObject("input"));
        try {
          normalRecon.add(ws[0].predictAutoEncoder(toRowData(r.getAsJsonObject("input"))).reconstructed);
        } catch (Exception e) {
          normalRecon.add(null);
        }
      }
    }
    out.add("rows", rows);
    out.add("pojo_check", pojoCheck(in.get("pojo_class").getAsString(), normalInputs, normalRecon));
    Gson gson = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    Files.writeString(outDir.resolve(name + ".json"), gson.toJson(out), StandardCharsets.UTF_8);
    System.out.println("genmodel: " + name + ": " + rows.size() + " rows");
  }

  static EasyPredictModelWrapper wrapper(GenModel m, boolean unknownToNa, boolean invalidToNa) {
    return new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(m)
        .setConvertUnknownCategoricalLevelsToNa(unknownToNa)
        .setConvertInvalidNumbersToNa(invalidToNa));
  }

  /** JSON input -> RowData with the Java value types of the fixture format. */
  static RowData toRowData(JsonObject input) {
    RowData rd = new RowData();
    for (Map.Entry<String, JsonElement> e : input.entrySet()) {
      JsonElement v = e.getValue();
      Object o;
      if (v.isJsonNull()) {
        o = null;
      } else if (v.isJsonObject()) {
        String t = v.getAsJsonObject().get("java").getAsString();
        JsonPrimitive x = v.getAsJsonObject().getAsJsonPrimitive("value");
        switch (t) {
          case "Double": o = Double.valueOf(num(x)); break;
          case "Float": o = Float.valueOf((float) num(x)); break;
          case "Integer": o = Integer.valueOf(x.getAsInt()); break;
          case "Long": o = Long.valueOf(x.getAsLong()); break;
          case "Boolean": o = Boolean.valueOf(x.getAsBoolean()); break;
          default: throw new IllegalArgumentException("unknown java type " + t);
        }
      } else if (v.getAsJsonPrimitive().isString()) {
        o = v.getAsString();
      } else if (v.getAsJsonPrimitive().isNumber()) {
        o = Double.valueOf(Double.parseDouble(v.getAsJsonPrimitive().getAsString()));
      } else {
        throw new IllegalArgumentException("unsupported input value " + v);
      }
      rd.put(e.getKey(), o);
    }
    return rd;
  }

  static double num(JsonPrimitive x) {
    // "NaN", "Infinity", "-Infinity" or a number: Double.parseDouble reads all of them
    return Double.parseDouble(x.getAsString());
  }

  static JsonElement score(EasyPredictModelWrapper w, RowData rd, GenModel m) {
    JsonObject res = new JsonObject();
    AutoEncoderModelPrediction p;
    try {
      p = w.predictAutoEncoder(rd);
    } catch (Exception e) {
      JsonObject err = new JsonObject();
      err.addProperty("class", e.getClass().getName());
      err.addProperty("message", e.getMessage());
      res.add("error", err);
      return res;
    }
    res.add("original", arr(p.original));
    res.add("reconstructed", arr(p.reconstructed));
    res.add("mse", d(p.mse));
    JsonObject rrd = new JsonObject();
    String[] names = m.getNames();
    String[][] domains = m.getDomainValues();
    if (p.reconstructedRowData.size() != m.nfeatures()) throw new IllegalStateException("rrd size");
    for (int i = 0; i < m.nfeatures(); i++) {
      Object v = p.reconstructedRowData.get(names[i]);
      if (domains[i] == null) {
        rrd.add(names[i], d((Double) v));
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Double> map = (Map<String, Double>) v;
        if (map.size() != domains[i].length + 1) throw new IllegalStateException("map size");
        JsonObject mo = new JsonObject();
        for (String lv : domains[i]) {
          if (lv.equals("null")) throw new IllegalStateException("a level is literally 'null'");
          mo.add(lv, d(map.get(lv)));
        }
        mo.add("null", d(map.get(null)));   // the NA slot: Java null key
        rrd.add(names[i], mo);
      }
    }
    res.add("reconstructedRowData", rrd);
    return res;
  }

  /** The POJO on the normal rows vs the MOJO: informational only. */
  static JsonElement pojoCheck(String cls, List<JsonObject> inputs, List<double[]> mojoRecon) {
    JsonObject o = new JsonObject();
    GenModel pojo;
    try {
      pojo = (GenModel) Class.forName(cls).getDeclaredConstructor().newInstance();
    } catch (Throwable t) {
      o.addProperty("skipped", "POJO class not loadable: " + t);
      return o;
    }
    EasyPredictModelWrapper w = wrapper(pojo, false, false);
    int errors = 0, compared = 0;
    String firstError = null;
    double maxRel = 0;
    java.util.TreeSet<Double> mses = new java.util.TreeSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      try {
        AutoEncoderModelPrediction p = w.predictAutoEncoder(toRowData(inputs.get(i)));
        mses.add(p.mse);
        double[] mr = mojoRecon.get(i);
        if (mr == null) continue;
        compared++;
        for (int k = 0; k < mr.length; k++) {
          double a = mr[k], b = p.reconstructed[k];
          if (Double.isNaN(a) && Double.isNaN(b)) continue;
          double rel = a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
          if (!(rel <= maxRel)) maxRel = rel;
        }
      } catch (Exception e) {
        errors++;
        if (firstError == null) firstError = e.getClass().getName() + ": " + e.getMessage();
      }
    }
    o.addProperty("rows", inputs.size());
    o.addProperty("compared_with_mojo", compared);
    o.addProperty("max_rel_diff_vs_mojo", maxRel);
    o.addProperty("errors", errors);
    if (firstError != null) o.addProperty("first_error", firstError);
    o.addProperty("mse_values", mses.toString());
    return o;
  }

  static JsonArray arr(double[] xs) {
    JsonArray a = new JsonArray();
    for (double x : xs) a.add(d(x));
    return a;
  }

  static JsonElement d(double x) {
    if (Double.isNaN(x)) return new JsonPrimitive("NaN");
    if (Double.isInfinite(x)) return new JsonPrimitive(x > 0 ? "Infinity" : "-Infinity");
    return new JsonPrimitive(Double.toHexString(x));
  }
}
