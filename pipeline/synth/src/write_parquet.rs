//! Parquet encoding: the CSV's columns, typed. Weights `Decimal128(18,2)`, replicate
//! weights `Decimal128(18,6)`, flags Boolean, age and year of arrival Int32, codes and ids
//! text; not stated = null. Snappy, row groups of 2^20 rows, no statistics that depend on
//! anything but the data, so the bytes depend only on the options.

use std::io::Write;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Decimal128Builder, Int32Builder, RecordBatch, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::error::ArrowError;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::design::Design;
use crate::model::{Code, Person};
use crate::write_csv::{push_household_id, push_person_id, CORE_COLUMNS};

/// Rows per row group.
pub const ROW_GROUP_ROWS: usize = 1 << 20;

fn column_type(name: &str) -> (DataType, bool) {
    match name {
        "person_id" | "sex" | "household_id" => (DataType::Utf8, false),
        "weight" => (DataType::Decimal128(18, 2), false),
        "usual_resident" => (DataType::Boolean, false),
        "age" | "year_of_arrival" => (DataType::Int32, true),
        "worked" | "absent" | "absence_paid" | "absence_return_3m" | "searched" | "available"
        | "future_start" => (DataType::Boolean, true),
        _ => (DataType::Utf8, true),
    }
}

/// Builds record batches of persons.
pub struct Encoder {
    schema: SchemaRef,
}

impl Encoder {
    /// The encoder of the core record (with the design's columns).
    pub fn new(design: Option<&Design>) -> Encoder {
        let mut fields: Vec<Field> = CORE_COLUMNS
            .iter()
            .map(|name| {
                let (t, nullable) = column_type(name);
                Field::new(*name, t, nullable)
            })
            .collect();
        if let Some(d) = design {
            fields.push(Field::new("stratum", DataType::Utf8, false));
            fields.push(Field::new("psu", DataType::Utf8, false));
            for r in 1..=d.replicates() {
                fields.push(Field::new(
                    format!("repwt_{r}"),
                    DataType::Decimal128(18, 6),
                    false,
                ));
            }
        }
        Encoder {
            schema: Arc::new(Schema::new(fields)),
        }
    }

    /// The schema of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// One record batch of `persons`.
    pub fn encode(
        &self,
        persons: &[Person],
        design: Option<&Design>,
    ) -> Result<RecordBatch, ArrowError> {
        let n = persons.len();
        let text = |bytes: usize| StringBuilder::with_capacity(n, n * bytes);
        let code = |get: &dyn Fn(&Person) -> Option<Code>| -> ArrayRef {
            let mut b = text(3);
            for p in persons {
                match get(p) {
                    // Codes are ASCII letters.
                    Some(c) => b.append_value(std::str::from_utf8(&c).expect("ASCII code")),
                    None => b.append_null(),
                }
            }
            Arc::new(b.finish())
        };
        let words = |get: &dyn Fn(&Person) -> Option<&'static str>| -> ArrayRef {
            let mut b = text(8);
            for p in persons {
                b.append_option(get(p));
            }
            Arc::new(b.finish())
        };
        let flag = |get: &dyn Fn(&Person) -> Option<bool>| -> ArrayRef {
            let mut b = BooleanBuilder::with_capacity(n);
            for p in persons {
                b.append_option(get(p));
            }
            Arc::new(b.finish())
        };
        let int = |get: &dyn Fn(&Person) -> Option<i32>| -> ArrayRef {
            let mut b = Int32Builder::with_capacity(n);
            for p in persons {
                b.append_option(get(p));
            }
            Arc::new(b.finish())
        };
        let mut ids = text(11);
        let mut households = text(8);
        let mut buf = Vec::with_capacity(16);
        for p in persons {
            buf.clear();
            push_person_id(&mut buf, p);
            ids.append_value(std::str::from_utf8(&buf).expect("ASCII id"));
            buf.clear();
            push_household_id(&mut buf, p.household);
            households.append_value(std::str::from_utf8(&buf).expect("ASCII id"));
        }
        let mut weight = Decimal128Builder::with_capacity(n).with_precision_and_scale(18, 2)?;
        for p in persons {
            weight.append_value(i128::from(p.weight_cents));
        }
        let mut sex = text(1);
        for p in persons {
            sex.append_value(if p.sex == b'M' {
                "M"
            } else if p.sex == b'F' {
                "F"
            } else {
                "O"
            });
        }
        let mut resident = BooleanBuilder::with_capacity(n);
        for p in persons {
            resident.append_value(p.usual_resident);
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            Arc::new(weight.finish()),
            Arc::new(sex.finish()),
            int(&|p| p.age.map(i32::from)),
            code(&|p| p.country_of_birth),
            code(&|p| p.citizenship),
            code(&|p| p.citizenship_2),
            Arc::new(resident.finish()),
            Arc::new(households.finish()),
            words(&|p| p.lf.status),
            flag(&|p| p.lf.worked),
            flag(&|p| p.lf.absent),
            words(&|p| p.lf.absence_reason),
            flag(&|p| p.lf.absence_paid),
            flag(&|p| p.lf.absence_return_3m),
            flag(&|p| p.lf.searched),
            flag(&|p| p.lf.available),
            flag(&|p| p.lf.future_start),
            int(&|p| p.year_of_arrival.map(i32::from)),
            words(&|p| p.reason),
        ];
        if let Some(d) = design {
            let mut strata = text(3);
            let mut psus = text(6);
            for p in persons {
                let (s, i) = p.unit.expect("a design gives every person a unit");
                strata.append_value(&d.strata[s as usize]);
                psus.append_value(&d.psus[i as usize].1);
            }
            columns.push(Arc::new(strata.finish()));
            columns.push(Arc::new(psus.finish()));
            for r in 0..d.replicates() {
                let mut b = Decimal128Builder::with_capacity(n).with_precision_and_scale(18, 6)?;
                for p in persons {
                    let (_, psu) = p.unit.expect("unit");
                    b.append_value(i128::from(d.replicate_micros(r, psu, p.weight_cents)));
                }
                columns.push(Arc::new(b.finish()));
            }
        }
        RecordBatch::try_new(self.schema.clone(), columns)
    }
}

/// An Arrow-to-Parquet writer for the encoder's schema.
pub fn writer<W: Write + Send>(sink: W, encoder: &Encoder) -> Result<ArrowWriter<W>, ParquetError> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by("migstat-synth".to_string())
        .build();
    ArrowWriter::try_new(sink, encoder.schema(), Some(props))
}
