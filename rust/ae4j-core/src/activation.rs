//! The activations H2O allows for deep-learning autoencoders, computed as genmodel computes them.

use std::fmt;
use std::str::FromStr;

use crate::forward::exp::exp;

/// An H2O deep-learning activation that an autoencoder can use. H2O rejects Maxout for
/// autoencoders, so it is not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    Tanh,
    TanhWithDropout,
    Rectifier,
    RectifierWithDropout,
    ExpRectifier,
    ExpRectifierWithDropout,
}

impl Activation {
    pub const ALL: [Activation; 6] = [
        Activation::Tanh,
        Activation::TanhWithDropout,
        Activation::Rectifier,
        Activation::RectifierWithDropout,
        Activation::ExpRectifier,
        Activation::ExpRectifierWithDropout,
    ];

    /// H2O's name, as in `model.ini` and the model parameters.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "Tanh",
            Activation::TanhWithDropout => "TanhWithDropout",
            Activation::Rectifier => "Rectifier",
            Activation::RectifierWithDropout => "RectifierWithDropout",
            Activation::ExpRectifier => "ExpRectifier",
            Activation::ExpRectifierWithDropout => "ExpRectifierWithDropout",
        }
    }

    /// Whether hidden-layer outputs are scaled by `1 - hidden_dropout_ratio` at scoring time.
    pub fn has_dropout(self) -> bool {
        matches!(
            self,
            Activation::TanhWithDropout
                | Activation::RectifierWithDropout
                | Activation::ExpRectifierWithDropout
        )
    }

    /// Applies the activation in place, with genmodel's formulas (bit for bit).
    #[inline]
    pub fn apply(self, z: &mut [f64]) {
        match self {
            Activation::Tanh | Activation::TanhWithDropout => {
                z.iter_mut().for_each(|v| *v = tanh(*v))
            }
            Activation::Rectifier | Activation::RectifierWithDropout => {
                // genmodel's 0.5 * (z + |z|): equal to max(z, 0) except where 2z overflows.
                z.iter_mut().for_each(|v| *v = 0.5 * (*v + v.abs()))
            }
            Activation::ExpRectifier | Activation::ExpRectifierWithDropout => z
                .iter_mut()
                .for_each(|v| *v = if *v >= 0.0 { *v } else { exp(*v) - 1.0 }),
        }
    }
}

/// H2O's tanh: `1 - 2 / (1 + exp(2x))`, not a library tanh (which differs in the last bits),
/// with ae4j's [`exp`] (the one the SIMD kernels compute too).
#[inline]
pub fn tanh(x: f64) -> f64 {
    1.0 - 2.0 / (1.0 + exp(2.0 * x))
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(a) = Activation::ALL.into_iter().find(|a| a.name() == s) {
            return Ok(a);
        }
        Err(match s {
            "Maxout" | "MaxoutWithDropout" => {
                format!("activation {s} is not supported: H2O does not train Maxout autoencoders")
            }
            _ => format!("unknown activation '{s}'"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(a.name().parse::<Activation>(), Ok(a));
        }
        assert!("Maxout"
            .parse::<Activation>()
            .unwrap_err()
            .contains("Maxout"));
        assert!("Linear".parse::<Activation>().is_err());
    }

    #[test]
    fn formulas() {
        let mut z = [-2.0, -0.0, 0.5, 40.0];
        Activation::Rectifier.apply(&mut z);
        assert_eq!(z, [0.0, 0.0, 0.5, 40.0]);
        let mut z = [-1.0, 2.0];
        Activation::ExpRectifier.apply(&mut z);
        assert_eq!(z, [exp(-1.0) - 1.0, 2.0]);
        assert!((tanh(0.3) - 0.3f64.tanh()).abs() < 1e-15);
        assert_eq!(tanh(1000.0), 1.0);
        assert_eq!(tanh(-1000.0), -1.0);
    }
}
