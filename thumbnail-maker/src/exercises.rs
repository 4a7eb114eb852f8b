//! Exercises for `thumbnail-maker` (being written).
#![allow(unused_variables)]
