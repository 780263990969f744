//! Flows: wizards as data. A flow file mirrors one instruction document step by step.

pub mod actions;
pub mod draft;
mod load;
mod model;
pub mod rules;
pub mod template;

pub use load::{FlowError, check_references, parse};
pub use model::{
    Condition, CopyOut, Developers, EntryPoint, Field, FieldKind, Finish, Flow, FlowKind, Handover,
    Link, Mail, OldKeyFinish, Paused, SecretFormat, Source, Step, Wait,
};

// The embedded flow files, listed by build.rs from assets/flows/.
include!(concat!(env!("OUT_DIR"), "/embedded_flows.rs"));

/// All flows, loaded and checked.
#[derive(Debug, Clone)]
pub struct Catalog {
    flows: Vec<Flow>,
}

impl Catalog {
    /// The flows built into the binary.
    pub fn embedded() -> Result<Self, FlowError> {
        Self::from_files(
            EMBEDDED_FLOWS
                .iter()
                .map(|(name, text)| (format!("flows/{name}"), *text)),
        )
    }

    /// Loads flows from `(file name, text)` pairs; used by tests with hand-made files.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
    ) -> Result<Self, FlowError> {
        let flows = files
            .into_iter()
            .map(|(name, text)| parse(&name, text))
            .collect::<Result<Vec<_>, _>>()?;
        check_references(&flows, |f| format!("flows/{}.toml", f.id))?;
        Ok(Self { flows })
    }

    pub fn get(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }

    /// Flows that create connections, in file order: what «Новое подключение» offers.
    pub fn creators(&self) -> impl Iterator<Item = &Flow> {
        self.flows.iter().filter(|f| f.kind == FlowKind::Create)
    }

    /// The removal flow for connections made by `flow_id`, if there is one.
    pub fn remover_for(&self, flow_id: &str) -> Option<&Flow> {
        self.flows
            .iter()
            .find(|f| f.kind == FlowKind::Remove && f.applies_to.as_deref() == Some(flow_id))
    }
}
