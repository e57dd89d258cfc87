//! The table definition comes from `infra/template.yaml` (the BookingsTable
//! resource), never from a copy in code: tests create their tables from it
//! and [`TableSpec::check_store_layout`] fails if it lacks a key, index or
//! TTL attribute the store relies on. So template and code cannot drift.

use std::path::Path;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use serde::Deserialize;

use super::errors::{build_err, sdk_err};
use super::items::{EXPIRES_AT, GSI1, GSI1PK, GSI1SK, PK, SK};
use crate::store::StoreError;

/// The resource holding the table in the template.
pub const TABLE_RESOURCE: &str = "BookingsTable";

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid YAML: {source}")]
    Yaml {
        path: String,
        source: serde_norway::Error,
    },
    #[error("{path} has no Resources.{TABLE_RESOURCE}.Properties")]
    NoTable { path: String },
    #[error("Resources.{TABLE_RESOURCE}.Properties in {path} is not a table definition: {source}")]
    Shape {
        path: String,
        source: serde_norway::Error,
    },
    #[error("the table in the template does not fit the store: {0}")]
    Layout(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableSpec {
    pub attribute_definitions: Vec<AttrDef>,
    pub key_schema: Vec<KeyElem>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<IndexSpec>,
    #[serde(default)]
    pub time_to_live_specification: Option<TtlSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttrDef {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElem {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexSpec {
    pub index_name: String,
    pub key_schema: Vec<KeyElem>,
    pub projection: ProjectionSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionSpec {
    pub projection_type: String,
    #[serde(default)]
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TtlSpec {
    pub attribute_name: String,
    pub enabled: bool,
}

/// Read the BookingsTable definition from a CloudFormation/SAM template.
/// CloudFormation tags (`!Ref`, `!GetAtt`, `!Sub`) elsewhere are tolerated.
pub fn table_from_template(path: &Path) -> Result<TableSpec, SchemaError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SchemaError::Read {
        path: shown.clone(),
        source,
    })?;
    table_from_yaml(&text, &shown)
}

/// As [`table_from_template`], from the template's text; `origin` names it in
/// errors.
pub fn table_from_yaml(text: &str, origin: &str) -> Result<TableSpec, SchemaError> {
    let doc: serde_norway::Value =
        serde_norway::from_str(text).map_err(|source| SchemaError::Yaml {
            path: origin.to_owned(),
            source,
        })?;
    let props = doc
        .get("Resources")
        .and_then(|r| r.get(TABLE_RESOURCE))
        .and_then(|t| t.get("Properties"))
        .ok_or_else(|| SchemaError::NoTable {
            path: origin.to_owned(),
        })?;
    serde_norway::from_value(props.clone()).map_err(|source| SchemaError::Shape {
        path: origin.to_owned(),
        source,
    })
}

impl TableSpec {
    fn has_key(keys: &[KeyElem], name: &str, kind: &str) -> bool {
        keys.iter()
            .any(|k| k.attribute_name == name && k.key_type == kind)
    }

    fn is_string_attr(&self, name: &str) -> bool {
        self.attribute_definitions
            .iter()
            .any(|a| a.attribute_name == name && a.attribute_type == "S")
    }

    /// Everything the store's code relies on: PK/SK string keys, GSI1 on
    /// GSI1PK/GSI1SK projecting all attributes (listings read whole items
    /// from it), and TTL on `expires_at`.
    pub fn check_store_layout(&self) -> Result<(), SchemaError> {
        let mut missing = Vec::new();
        for (name, kind) in [(PK, "HASH"), (SK, "RANGE")] {
            if !Self::has_key(&self.key_schema, name, kind) || !self.is_string_attr(name) {
                missing.push(format!("table key {name} ({kind}, type S)"));
            }
        }
        match self
            .global_secondary_indexes
            .iter()
            .find(|i| i.index_name == GSI1)
        {
            None => missing.push(format!("global secondary index {GSI1}")),
            Some(index) => {
                for (name, kind) in [(GSI1PK, "HASH"), (GSI1SK, "RANGE")] {
                    if !Self::has_key(&index.key_schema, name, kind) || !self.is_string_attr(name) {
                        missing.push(format!("{GSI1} key {name} ({kind}, type S)"));
                    }
                }
                if index.projection.projection_type != "ALL" {
                    missing.push(format!("{GSI1} projection ALL"));
                }
            }
        }
        match &self.time_to_live_specification {
            Some(ttl) if ttl.attribute_name == EXPIRES_AT && ttl.enabled => {}
            _ => missing.push(format!("TimeToLiveSpecification on {EXPIRES_AT}, enabled")),
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(SchemaError::Layout(format!(
                "missing {}",
                missing.join("; ")
            )))
        }
    }

    fn keys(keys: &[KeyElem]) -> Result<Vec<KeySchemaElement>, StoreError> {
        keys.iter()
            .map(|k| {
                KeySchemaElement::builder()
                    .attribute_name(&k.attribute_name)
                    .key_type(KeyType::from(k.key_type.as_str()))
                    .build()
                    .map_err(build_err)
            })
            .collect()
    }

    /// Create the table (on demand billing) and switch on its TTL, as the
    /// template would.
    pub async fn create(
        &self,
        client: &aws_sdk_dynamodb::Client,
        table: &str,
    ) -> Result<(), StoreError> {
        let mut req = client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(Self::keys(&self.key_schema)?));
        for a in &self.attribute_definitions {
            req = req.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(&a.attribute_name)
                    .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                    .build()
                    .map_err(build_err)?,
            );
        }
        for index in &self.global_secondary_indexes {
            let projection = Projection::builder()
                .projection_type(ProjectionType::from(
                    index.projection.projection_type.as_str(),
                ))
                .set_non_key_attributes(
                    (!index.projection.non_key_attributes.is_empty())
                        .then(|| index.projection.non_key_attributes.clone()),
                )
                .build();
            req = req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(&index.index_name)
                    .set_key_schema(Some(Self::keys(&index.key_schema)?))
                    .projection(projection)
                    .build()
                    .map_err(build_err)?,
            );
        }
        req.send().await.map_err(sdk_err)?;
        if let Some(ttl) = &self.time_to_live_specification {
            client
                .update_time_to_live()
                .table_name(table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(&ttl.attribute_name)
                        .enabled(ttl.enabled)
                        .build()
                        .map_err(build_err)?,
                )
                .send()
                .await
                .map_err(sdk_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml")
    }

    #[test]
    fn the_committed_template_fits_the_store() {
        let spec = table_from_template(&template()).unwrap();
        spec.check_store_layout().unwrap();
    }

    const GOOD: &str = "
Resources:
  Fn:
    Properties:
      Environment:
        Variables:
          BOOKINGS_TABLE: !Ref BookingsTable
          ARN: !GetAtt BookingsTable.Arn
  BookingsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions:
        - {AttributeName: PK, AttributeType: S}
        - {AttributeName: SK, AttributeType: S}
        - {AttributeName: GSI1PK, AttributeType: S}
        - {AttributeName: GSI1SK, AttributeType: S}
      KeySchema:
        - {AttributeName: PK, KeyType: HASH}
        - {AttributeName: SK, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: GSI1
          KeySchema:
            - {AttributeName: GSI1PK, KeyType: HASH}
            - {AttributeName: GSI1SK, KeyType: RANGE}
          Projection: {ProjectionType: ALL}
      TimeToLiveSpecification: {AttributeName: expires_at, Enabled: true}
";

    #[test]
    fn tags_elsewhere_are_tolerated() {
        let spec = table_from_yaml(GOOD, "t.yaml").unwrap();
        spec.check_store_layout().unwrap();
        assert_eq!(spec.global_secondary_indexes[0].index_name, "GSI1");
    }

    #[test]
    fn a_missing_index_or_ttl_is_caught() {
        let no_gsi = GOOD.replace("IndexName: GSI1", "IndexName: Other");
        let err = table_from_yaml(&no_gsi, "t.yaml")
            .unwrap()
            .check_store_layout()
            .unwrap_err();
        assert!(
            err.to_string().contains("global secondary index GSI1"),
            "{err}"
        );

        let no_ttl = GOOD.replace("AttributeName: expires_at", "AttributeName: ttl");
        let err = table_from_yaml(&no_ttl, "t.yaml")
            .unwrap()
            .check_store_layout()
            .unwrap_err();
        assert!(err.to_string().contains("expires_at"), "{err}");

        let wrong_key = GOOD.replace("\n        - {AttributeName: SK, KeyType: RANGE}", "");
        let err = table_from_yaml(&wrong_key, "t.yaml")
            .unwrap()
            .check_store_layout()
            .unwrap_err();
        assert!(err.to_string().contains("table key SK"), "{err}");
    }

    #[test]
    fn a_template_without_the_table_is_a_clear_error() {
        let err = table_from_yaml("Resources: {}\n", "t.yaml").unwrap_err();
        assert!(matches!(err, SchemaError::NoTable { .. }), "{err}");
        let err = table_from_yaml("Resources: [\n", "t.yaml").unwrap_err();
        assert!(matches!(err, SchemaError::Yaml { .. }), "{err}");
    }
}
