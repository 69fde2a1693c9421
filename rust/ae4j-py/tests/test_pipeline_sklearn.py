"""ae4j.pipeline.from_sklearn: each supported transformer's steps (checked by hand), the refusals
(by class name), ColumnTransformer naming, and the converted spec's numbers vs sklearn's own."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer       # scripts/test-python.sh installs scikit-learn
from sklearn.impute import SimpleImputer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MinMaxScaler,
                                   OneHotEncoder, PowerTransformer, QuantileTransformer,
                                   RobustScaler, StandardScaler)

import spec_eval
from ae4j.pipeline import ConversionError, Spec, from_sklearn

NAN = float("nan")
DF = pd.DataFrame({"x": [1.0, 2.0, 4.0, 8.0, NAN], "y": [0.5, NAN, 1.5, 2.5, 3.5]})
X = DF[["x"]]


def steps(est, **kw):
    return from_sklearn(est, **kw).steps


def derive(name, expr):
    return {"op": "derive", "name": name, "expr": expr}


# ------------------------------------------------------------------ one transformer at a time
def test_standard_scaler_is_minus_mean_over_scale():
    # x = 1, 2, 4, 8 (NaN ignored): mean 3.75, variance 28.75 / 4 = 7.1875 (exact in binary)
    assert steps(StandardScaler().fit(X)) == [derive("x", f"(x - 3.75) / {math.sqrt(7.1875)!r}")]
    assert steps(StandardScaler(with_std=False).fit(X)) == [derive("x", "x - 3.75")]
    assert steps(StandardScaler(with_mean=False).fit(X)) == [derive("x", f"x / {math.sqrt(7.1875)!r}")]
    assert steps(StandardScaler(with_mean=False, with_std=False).fit(X)) == []


def test_min_max_scaler_is_times_scale_plus_min():
    # range 1..8: scale_ = 1/7, min_ = 0 - 1 * scale_
    assert steps(MinMaxScaler().fit(X)) == [derive("x", f"x * {1 / 7!r} + (-{1 / 7!r})")]
    # (-1, 1): scale_ = 2/7, min_ = -1 - 1 * 2/7; clip=True adds the clip to the range
    assert steps(MinMaxScaler(feature_range=(-1, 1), clip=True).fit(X)) == [
        derive("x", f"x * {2 / 7!r} + ({-1 - 2 / 7!r})"),
        {"op": "clip", "column": "x", "min": -1.0, "max": 1.0},
    ]


def test_robust_scaler_is_minus_center_over_iqr():
    # median 3.0; linear percentiles of 1, 2, 4, 8: q25 = 1.75, q75 = 5.0 -> scale 3.25
    assert steps(RobustScaler().fit(X)) == [derive("x", "(x - 3.0) / 3.25")]
    assert steps(RobustScaler(with_centering=False).fit(X)) == [derive("x", "x / 3.25")]
    assert steps(RobustScaler(with_scaling=False).fit(X)) == [derive("x", "x - 3.0")]


@pytest.mark.parametrize("imputer, value", [
    (SimpleImputer(strategy="mean"), 2.0),               # (0.5 + 1.5 + 2.5 + 3.5) / 4
    (SimpleImputer(strategy="median"), 2.0),
    (SimpleImputer(strategy="constant", fill_value=-1), -1.0),
    (SimpleImputer(strategy="most_frequent"), 0.5),     # all tied: the smallest
])
def test_simple_imputer_is_fill_missing_with_the_fitted_value(imputer, value):
    assert steps(imputer.fit(DF[["y"]])) == [{"op": "fill_missing", "column": "y", "value": value}]


def test_simple_imputer_on_strings():
    s = pd.DataFrame({"m": ["a", "b", "b", None]}, dtype=object)
    assert steps(SimpleImputer(strategy="most_frequent").fit(s)) == [
        {"op": "fill_missing", "column": "m", "value": "b"}]
    assert steps(SimpleImputer(strategy="constant", fill_value="none").fit(s),
                 inputs={"m": "string"}) == [{"op": "fill_missing", "column": "m", "value": "none"}]


@pytest.mark.parametrize("func, name", [(np.log1p, "log1p"), (np.log, "log"), (np.sqrt, "sqrt")])
def test_function_transformer_of_numpy_functions(func, name):
    assert steps(FunctionTransformer(func).fit(X)) == [derive("x", f"{name}(x)")]
    assert steps(FunctionTransformer(None).fit(X)) == []


def test_kbins_ordinal_is_bucketize_with_the_fitted_edges():
    kb = KBinsDiscretizer(n_bins=2, encode="ordinal", strategy="uniform").fit(X.fillna(1.0))
    assert steps(kb) == [{"op": "bucketize", "column": "x", "edges": [1.0, 4.5, 8.0]}]


def test_the_transform_formulas_are_still_sklearns():
    """Guards the conversion table against a change in sklearn's arithmetic."""
    v = np.array([[0.3], [7.1], [-2.0]])
    ss, mm, rs = StandardScaler().fit(v), MinMaxScaler().fit(v), RobustScaler().fit(v)
    assert (ss.transform(v) == (v - ss.mean_) / ss.scale_).all()
    assert (mm.transform(v) == v * mm.scale_ + mm.min_).all()
    assert (rs.transform(v) == (v - rs.center_) / rs.scale_).all()
    kb = KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="uniform").fit(v)
    assert (kb.transform(v)[:, 0] == np.searchsorted(kb.bin_edges_[0][1:-1], v[:, 0], "right")).all()


# ------------------------------------------------------------------ composition and naming
def test_pipeline_transforms_in_place_in_order():
    pipe = Pipeline([("i", SimpleImputer(strategy="median")), ("p", "passthrough"),
                     ("log", FunctionTransformer(np.log1p)), ("s", StandardScaler())]).fit(X)
    log_mean = float(np.mean(np.log1p([1.0, 2.0, 4.0, 8.0, 3.0])))
    got = steps(pipe)
    assert got[:2] == [{"op": "fill_missing", "column": "x", "value": 3.0}, derive("x", "log1p(x)")]
    assert got[2]["expr"].startswith(f"(x - {log_mean!r}) / ")


def test_column_transformer_copies_into_sklearns_names():
    ct = ColumnTransformer([("a", StandardScaler(with_std=False), ["x"]),
                            ("b", SimpleImputer(strategy="constant", fill_value=0.0), ["x", "y"])],
                           remainder="drop").fit(DF)
    spec = from_sklearn(ct)
    assert spec.inputs == [{"name": "x", "type": "number"}, {"name": "y", "type": "number"}]
    assert spec.steps == [
        derive("a__x", "x"), derive("a__x", "a__x - 3.75"),
        derive("b__x", "x"), derive("b__y", "y"),
        {"op": "fill_missing", "column": "b__x", "value": 0.0},
        {"op": "fill_missing", "column": "b__y", "value": 0.0},
    ]
    assert list(ct.get_feature_names_out()) == ["a__x", "b__x", "b__y"]


def test_column_transformer_remainder_and_naming_options():
    df = DF.assign(z=[1.0, 2.0, 3.0, 4.0, 5.0])
    ct = ColumnTransformer([("s", RobustScaler(), ["x"])], remainder="passthrough",
                           verbose_feature_names_out=False).fit(df)
    assert [s.get("name") for s in steps(ct)] == ["x"]            # in place, remainder as is
    ct = ColumnTransformer([("s", RobustScaler(), ["x"])], remainder=MinMaxScaler(),
                           verbose_feature_names_out="{feature_name}_{transformer_name}").fit(df)
    assert [s["name"] for s in steps(ct)] == ["x_s", "x_s", "y_remainder", "z_remainder",
                                              "y_remainder", "z_remainder"]
    named = from_sklearn(ct, output_names=["x_std", "y_mm", "z_mm"])
    assert named.columns[-3:] == ["x_std", "y_mm", "z_mm"]


def test_column_selectors_by_index_and_mask_with_input_names():
    ct = ColumnTransformer([("s", StandardScaler(with_std=False), [0]),
                            ("t", "passthrough", [False, True])]).fit(DF.to_numpy())
    assert steps(ct, input_names=["x", "y"]) == [derive("s__x", "x"), derive("s__x", "s__x - 3.75"),
                                                 derive("t__y", "y")]
    with pytest.raises(ConversionError, match="pass input_names"):
        from_sklearn(ct)


def test_fragment_extends_a_hand_written_spec():
    ct = ColumnTransformer([("s", StandardScaler(with_std=False), ["ratio"])]).fit(
        pd.DataFrame({"ratio": [1.0, 3.0]}))
    spec = Spec(inputs={"a": "number", "b": "number"}).derive("ratio", "a / b").extend(from_sklearn(ct))
    assert spec.columns == ["a", "b", "ratio", "s__ratio"]
    with pytest.raises(Exception, match="column 'ratio' does not exist"):
        Spec(inputs={"a": "number"}).extend(from_sklearn(ct))


# ------------------------------------------------------------------ refusals, by name
@pytest.mark.parametrize("make, message", [
    (lambda: PowerTransformer().fit(X.fillna(1)), "PowerTransformer is not supported"),
    (lambda: Pipeline([("q", QuantileTransformer(n_quantiles=4)), ]).fit(X.fillna(1)),
     "QuantileTransformer is not supported"),
    (lambda: ColumnTransformer([("o", OneHotEncoder(), ["m"])]).fit(pd.DataFrame({"m": ["a", "b"]})),
     "OneHotEncoder is not supported"),
    (lambda: FeatureUnion([("s", StandardScaler())]).fit(X), "FeatureUnion is not supported"),
    (lambda: FunctionTransformer(np.exp).fit(X), "FunctionTransformer(func=numpy.exp)"),
    (lambda: FunctionTransformer(np.log1p, kw_args={"out": None}).fit(X), "kw_args"),
    (lambda: KBinsDiscretizer(n_bins=2, encode="onehot").fit(X.fillna(1)), 'encode="ordinal"'),
    (lambda: KBinsDiscretizer(n_bins=2, encode="ordinal", dtype=np.float32).fit(X.fillna(1)),
     "dtype"),
    (lambda: SimpleImputer(add_indicator=True).fit(X), "add_indicator=True"),
    (lambda: SimpleImputer(missing_values=-1.0).fit(X.fillna(-1.0)), "missing_values=-1.0"),
    (lambda: SimpleImputer(strategy="mean").fit(pd.DataFrame({"e": [NAN, NAN]})),
     "had no value at fit"),
    (lambda: StandardScaler(), "StandardScaler is not fitted"),
    (lambda: ColumnTransformer([("c", ColumnTransformer([("s", StandardScaler(), ["x"])]), ["x"])]).fit(X),
     "a ColumnTransformer inside a ColumnTransformer"),
    (lambda: ColumnTransformer([("a", StandardScaler(), ["x"]), ("b", StandardScaler(), ["y"])],
                               verbose_feature_names_out=lambda t, f: "x").fit(DF),
     "transformer 'b' would write column 'x', which transformer 'a' reads"),
])
def test_refusals_name_the_class(make, message):
    with pytest.raises(ConversionError) as e:
        from_sklearn(make())
    assert message in str(e.value)


def test_a_subclass_is_refused_under_its_own_name():
    class MyScaler(StandardScaler):
        def transform(self, X, copy=None):
            return super().transform(X, copy) * 2

    with pytest.raises(ConversionError, match="MyScaler is not supported"):
        from_sklearn(MyScaler().fit(X))


def test_input_names_must_match_the_fitted_names():
    with pytest.raises(ConversionError, match="differ from the fitted"):
        from_sklearn(StandardScaler().fit(X), input_names=["other"])


# ------------------------------------------------------------------ numbers vs sklearn
def notebook_transformer():
    return ColumnTransformer([
        ("amt", Pipeline([("i", SimpleImputer(strategy="median")),
                          ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
                          ("s", StandardScaler())]), ["amount"]),
        ("bin", Pipeline([("i", SimpleImputer(strategy="median")),
                          ("k", KBinsDiscretizer(n_bins=6, encode="ordinal", strategy="quantile",
                                                 quantile_method="averaged_inverted_cdf"))]),
         ["amount"]),
        ("b", Pipeline([("i", SimpleImputer(strategy="mean")),
                        ("sqrt", FunctionTransformer(np.sqrt, feature_names_out="one-to-one")),
                        ("r", RobustScaler())]), ["balance"]),
        ("mm", Pipeline([("i", SimpleImputer(strategy="constant", fill_value=-3.0)),
                         ("m", MinMaxScaler(feature_range=(-1, 2)))]), ["score", "amount"]),
        ("ln", FunctionTransformer(np.log, feature_names_out="one-to-one"), ["balance"]),
    ], remainder="passthrough")


def random_frame(n=3000, seed=7):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"amount": np.exp(rng.normal(3, 1.5, n)), "balance": np.exp(rng.normal(6, 1, n)),
                       "score": rng.normal(0, 10, n), "flag": rng.integers(0, 2, n).astype(float)})
    for c in ("amount", "balance", "score"):
        df.loc[rng.choice(n, n // 20, replace=False), c] = NAN
    df.loc[rng.choice(n, 5, replace=False), "balance"] = NAN     # rows with ln(NaN) stay NaN
    return df


def libm_twin(ct):
    """The fitted transformer with numpy's log1p/log/sqrt replaced by the C library's, element by
    element: the arithmetic the spec evaluator (and the Rust core) does."""
    libm = {np.log1p: math.log1p, np.log: math.log, np.sqrt: math.sqrt}
    twin = copy.deepcopy(ct)
    for _, est, _ in twin.transformers_:
        for _, step in (est.steps if isinstance(est, Pipeline) else [(None, est)]):
            if isinstance(step, FunctionTransformer) and step.func is not None:
                f = libm[step.func]
                step.func = np.vectorize(lambda v, f=f: v if v != v else f(v), otypes=[float])
    return twin


def evaluate(spec, df, columns):
    doc = spec.to_dict()
    out = []
    for rec in df.to_dict("records"):
        row = spec_eval.apply(doc, rec)
        out.append([NAN if row[c] is None else spec_eval.model_value(row[c]) for c in columns])
    return np.array(out, dtype=float)


def ulps(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    ia, ib = a.view(np.int64), b.view(np.int64)
    ia = np.where(ia < 0, np.int64(-2**63) - ia, ia)
    ib = np.where(ib < 0, np.int64(-2**63) - ib, ib)
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0, np.abs(ia - ib))


def test_converted_spec_reproduces_sklearn_bit_for_bit():
    df = random_frame()
    ct = notebook_transformer().fit(df)
    names = list(ct.get_feature_names_out())
    spec = from_sklearn(ct)
    got = evaluate(spec, df, names)
    # with libm's functions sklearn's arithmetic is the spec's, operation for operation
    with np.errstate(invalid="ignore"):          # np.vectorize flags the NaN it passes through
        want_libm = libm_twin(ct).transform(df)
    assert np.array_equal(got, want_libm, equal_nan=True)
    # numpy's own (SIMD) log1p/log may differ from libm's in the last place, nothing else does:
    # the difference is 1 ulp of the log (at most 2.2e-16 relative), carried through the scaler
    want = ct.transform(df)
    same_arith = [i for i, n in enumerate(names) if not n.startswith(("amt__", "ln__"))]
    assert ulps(got, want)[:, same_arith].max() == 0
    assert ulps(got[:, names.index("ln__balance")], want[:, names.index("ln__balance")]).max() <= 1
    amt = names.index("amt__amount")
    step = ct.named_transformers_["amt"].named_steps["s"]
    log_got = got[:, amt] * step.scale_[0] + step.mean_[0]      # back to the log's scale
    assert np.nanmax(np.abs(got[:, amt] - want[:, amt]) / step.scale_[0]
                     / np.abs(log_got)) < 5e-16     # 1 ulp of the log, and the rounding back
