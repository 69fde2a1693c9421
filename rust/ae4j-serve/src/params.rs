//! The scoring parameters, one struct for every protocol: the native API reads them from the
//! query string and from the JSON body's keys next to `rows`, the Open Inference Protocol from
//! the request's `parameters`, MLflow from `params`. A new parameter is one more field here
//! (and its use in [`ScoreParams::options`]); each protocol then accepts it under the same name.

use ae4j_core::{ConvertOptions, Model};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::scoring::Options;

/// What a request asks for besides the MSE, under the names every protocol uses.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreParams {
    /// Each expanded slot's squared error (`reconstr_<slot>.SE`).
    pub per_feature: bool,
    /// The reconstruction (`reconstr_<slot>`).
    pub reconstruction: bool,
    /// Categorical levels the model never saw are missing instead of failing the row.
    pub convert_unknown_categoricals_to_na: bool,
    /// Unparsable numbers are missing instead of failing the row.
    pub convert_invalid_numbers_to_na: bool,
    /// An MSE threshold in place of the calibrated one (or for an uncalibrated model).
    pub threshold: Option<f64>,
    /// Name the k input columns with the largest shares of each row's squared error.
    pub explain: Option<usize>,
    /// A hidden layer (0-based) whose activations, H2O's deep features, each row also gets.
    pub deep_features_layer: Option<i64>,
}

impl ScoreParams {
    /// These parameters with `over`'s on top: a switch is on when either turns it on, a value
    /// given in `over` replaces this one (the native body over its query string).
    pub fn overlaid(self, over: ScoreParams) -> ScoreParams {
        ScoreParams {
            per_feature: self.per_feature || over.per_feature,
            reconstruction: self.reconstruction || over.reconstruction,
            convert_unknown_categoricals_to_na: self.convert_unknown_categoricals_to_na
                || over.convert_unknown_categoricals_to_na,
            convert_invalid_numbers_to_na: self.convert_invalid_numbers_to_na
                || over.convert_invalid_numbers_to_na,
            threshold: over.threshold.or(self.threshold),
            explain: over.explain.or(self.explain),
            deep_features_layer: over.deep_features_layer.or(self.deep_features_layer),
        }
    }

    /// The scorer's options for `model`; a threshold that is not a finite number, or a hidden
    /// layer the model lacks, is refused.
    pub fn options(&self, model: &Model) -> Result<Options, String> {
        Ok(Options {
            per_feature: self.per_feature,
            reconstruction: self.reconstruction,
            convert: ConvertOptions {
                unknown_categorical_to_na: self.convert_unknown_categoricals_to_na,
                invalid_number_to_na: self.convert_invalid_numbers_to_na,
            },
            threshold: crate::scoring::check_threshold(self.threshold)?,
            // At most every input column can be named.
            explain: self.explain.unwrap_or(0).min(model.n_features()),
            // A layer the model lacks is refused, naming the valid range.
            deep_features_layer: crate::scoring::deep_features_layer(
                model,
                self.deep_features_layer,
            )?,
        })
    }

    /// The parameters among a JSON object's keys, the others left alone (the Open Inference
    /// Protocol ignores parameters it does not know; the native body holds `rows` next to them).
    /// A wrong type is the request's error, naming the parameter.
    pub fn from_keys(object: &Map<String, Value>) -> Result<ScoreParams, String> {
        let names = Self::names();
        let mine: Map<String, Value> = object
            .iter()
            .filter(|(k, _)| names.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        serde_json::from_value(Value::Object(mine.clone())).map_err(|e| {
            // serde names the expected type, not the key: find the key that fails alone.
            let key = mine.iter().find(|(k, v)| {
                let one = Map::from_iter([((*k).clone(), (*v).clone())]);
                serde_json::from_value::<ScoreParams>(Value::Object(one)).is_err()
            });
            match key {
                Some((k, _)) => format!("parameter '{k}': {e}"),
                None => e.to_string(),
            }
        })
    }

    /// The parameters' names, as serde reads them (the struct's fields).
    pub fn names() -> &'static [&'static str] {
        field_names::<ScoreParams>()
    }
}

/// The field names serde's derive gives a struct (it hands them to `deserialize_struct`).
fn field_names<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("names read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut names));
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_the_fields() {
        // Every field is read from its name; the others are left alone.
        assert_eq!(ScoreParams::names().len(), 7);
        let set = ScoreParams::from_keys(
            json!({"per_feature": true, "reconstruction": true,
                   "convert_unknown_categoricals_to_na": true, "convert_invalid_numbers_to_na": true,
                   "threshold": 1.5, "explain": 2, "deep_features_layer": 1, "other": 1})
            .as_object()
            .unwrap(),
        )
        .unwrap();
        let expected = ScoreParams {
            per_feature: true,
            reconstruction: true,
            convert_unknown_categoricals_to_na: true,
            convert_invalid_numbers_to_na: true,
            threshold: Some(1.5),
            explain: Some(2),
            deep_features_layer: Some(1),
        };
        assert_eq!(set, expected);
        let err = serde_json::from_value::<ScoreParams>(json!({"nope": 1})).unwrap_err();
        for n in ScoreParams::names() {
            assert!(err.to_string().contains(n), "{n} missing from {err}");
        }
    }

    #[test]
    fn a_wrong_type_names_the_parameter() {
        let e =
            ScoreParams::from_keys(json!({"per_feature": "yes"}).as_object().unwrap()).unwrap_err();
        assert!(e.starts_with("parameter 'per_feature': "), "{e}");
    }

    #[test]
    fn the_body_goes_over_the_query() {
        let query = ScoreParams {
            per_feature: true,
            threshold: Some(1.0),
            explain: Some(3),
            ..Default::default()
        };
        let body = ScoreParams {
            reconstruction: true,
            threshold: Some(2.0),
            ..Default::default()
        };
        let both = query.overlaid(body);
        assert!(both.per_feature && both.reconstruction);
        assert_eq!((both.threshold, both.explain), (Some(2.0), Some(3)));
    }
}
