//! Discovery on a running system: which board this is (device-tree
//! `compatible` and `model`), and where its peripherals really are (a node's
//! `reg` translated through the buses' `ranges`), falling back to the board
//! file.

use std::path::Path;

use crate::devicetree::{DeviceTree, DtError, PhysRange};

use super::model::Peripheral;
use super::{glob_match, Board};

/// A board recognised from a device tree.
#[derive(Clone, Debug)]
pub struct Detection {
    /// The board (addresses as in its file; see [`Board::apply_device_tree`]).
    pub board: Board,
    /// The tree's root `compatible` strings.
    pub compatible: Vec<String>,
    /// The tree's `model`, if any.
    pub model: Option<String>,
    /// What matched: `compatible "raspberrypi,3-model-b"` or `model "..."`.
    pub matched_by: String,
}

/// Recognises the board whose device tree is at `dt_root` (normally
/// `/proc/device-tree`) among the built-in boards. Only the matching board's
/// file is parsed in full.
pub fn detect(dt_root: &Path) -> Option<Detection> {
    let dt = DeviceTree::open(dt_root);
    let compatible = dt.compatible();
    let model = dt.model();
    let headers = super::builtin::headers();
    let candidates = headers
        .iter()
        .map(|h| (h.compatible.as_slice(), h.model.as_slice()));
    let (i, why) = best_match(candidates, &compatible, model.as_deref())?;
    Some(Detection {
        board: super::builtin::board_number(i)?.clone(),
        compatible,
        model,
        matched_by: why,
    })
}

/// Recognises the board whose device tree is at `dt_root` among `boards`.
///
/// A board matches when one of its `compatible` strings is in the root's
/// `compatible` list, the earlier in that list (the more specific) the
/// better, or when one of its `model` patterns matches the root's `model`.
/// A model match breaks ties between compatible matches. No match, or no
/// device tree, gives None.
pub fn detect_among(boards: &[Board], dt_root: &Path) -> Option<Detection> {
    let dt = DeviceTree::open(dt_root);
    let compatible = dt.compatible();
    let model = dt.model();
    let candidates = boards
        .iter()
        .map(|b| (b.compatible.as_slice(), b.model.as_slice()));
    let (i, why) = best_match(candidates, &compatible, model.as_deref())?;
    Some(Detection {
        board: boards[i].clone(),
        compatible,
        model,
        matched_by: why,
    })
}

/// The index of the best of the candidates' (`compatible`, `model` patterns)
/// for a tree's root `compatible` list and `model`, and what matched.
fn best_match<'a>(
    candidates: impl Iterator<Item = (&'a [String], &'a [String])>,
    compatible: &[String],
    model: Option<&str>,
) -> Option<(usize, String)> {
    let mut best: Option<(usize, usize, String)> = None;
    for (n, (board_compatible, board_model)) in candidates.enumerate() {
        let compat_hit = compatible
            .iter()
            .enumerate()
            .find(|(_, c)| board_compatible.iter().any(|bc| bc == *c));
        let model_hit =
            model.and_then(|m| board_model.iter().find(|p| glob_match(p, m)).map(|_| m));
        let (score, why) = match (compat_hit, model_hit) {
            (Some((i, c)), m) => (
                10_000 - 10 * i.min(999) + usize::from(m.is_some()),
                format!("compatible \"{c}\""),
            ),
            (None, Some(m)) => (1, format!("model \"{m}\"")),
            (None, None) => continue,
        };
        if best.as_ref().map_or(true, |(s, _, _)| score > *s) {
            best = Some((score, n, why));
        }
    }
    best.map(|(_, n, why)| (n, why))
}

/// Where a peripheral's base address came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelocationStatus {
    /// The device tree has it where the board file says.
    Confirmed {
        /// The node.
        node: String,
    },
    /// The device tree has it elsewhere: the tree's address is used.
    Moved {
        /// The node.
        node: String,
        /// The board file's address.
        file_base: u64,
    },
    /// No enabled node matches: the board file's address is used.
    NotInTree,
    /// The peripheral names no `dt-compatible`: the board file's address is used.
    NoCompatible,
    /// A node matched but its address could not be worked out: the board
    /// file's address is used.
    Error(String),
}

/// The base a peripheral should be used at, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relocation {
    /// The peripheral's name.
    pub peripheral: String,
    /// The address to use.
    pub base: u64,
    /// Where it came from.
    pub status: RelocationStatus,
}

impl Relocation {
    /// Whether the address came from the device tree.
    pub fn from_device_tree(&self) -> bool {
        matches!(
            self.status,
            RelocationStatus::Confirmed { .. } | RelocationStatus::Moved { .. }
        )
    }
}

impl Peripheral {
    /// Finds the peripheral in a device tree by its `dt-compatible` strings
    /// and returns the node's path and its CPU physical range (entry
    /// `dt-reg` of its `reg`, translated through every bus's `ranges`).
    ///
    /// When several nodes match (a BCM2711 has five PL011s), the one at the
    /// board file's address wins; else the one agreeing with it in the most
    /// low-order address bits (the same offset in a moved peripheral block);
    /// then an enabled node (`status` absent or `okay`) over a disabled one.
    pub fn find_in_device_tree(
        &self,
        dt: &DeviceTree,
    ) -> Result<Option<(String, PhysRange)>, DtError> {
        let mut candidates = Vec::new();
        for c in &self.dt_compatible {
            for n in dt.find_compatible(c) {
                if !candidates
                    .iter()
                    .any(|(p, _): &(String, bool)| p == n.path())
                {
                    candidates.push((n.path().to_string(), n.is_enabled()));
                }
            }
        }
        let mut found: Vec<(String, bool, PhysRange)> = Vec::new();
        let mut first_err = None;
        for (path, enabled) in candidates {
            let Some(node) = dt.node(&path) else { continue };
            match node.translated_reg() {
                Ok(regs) => {
                    if let Some(r) = regs.get(self.dt_reg_index) {
                        found.push((path, enabled, *r));
                    }
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if found.is_empty() {
            return match first_err {
                Some(e) => Err(e),
                None => Ok(None),
            };
        }
        let base = self.base;
        found.sort_by_key(|(p, en, r)| {
            (
                r.address != base,
                std::cmp::Reverse((r.address ^ base).trailing_zeros()),
                !*en,
                p.clone(),
            )
        });
        Ok(found.into_iter().next().map(|(p, _, r)| (p, r)))
    }

    /// The base to use on the system whose device tree is at `dt_root`: the
    /// tree's, when a node matches, else the board file's.
    pub fn resolve_base(&self, dt_root: &Path) -> Relocation {
        self.resolve_base_in(&DeviceTree::open(dt_root))
    }

    /// [`resolve_base`](Self::resolve_base) in an opened tree (which keeps
    /// its index of `compatible` strings between calls).
    pub fn resolve_base_in(&self, dt: &DeviceTree) -> Relocation {
        let (status, base) = if self.dt_compatible.is_empty() {
            (RelocationStatus::NoCompatible, self.base)
        } else {
            match self.find_in_device_tree(dt) {
                Ok(Some((node, r))) if r.address == self.base => {
                    (RelocationStatus::Confirmed { node }, r.address)
                }
                Ok(Some((node, r))) => (
                    RelocationStatus::Moved {
                        node,
                        file_base: self.base,
                    },
                    r.address,
                ),
                Ok(None) => (RelocationStatus::NotInTree, self.base),
                Err(e) => (RelocationStatus::Error(e.to_string()), self.base),
            }
        };
        Relocation {
            peripheral: self.name.clone(),
            base,
            status,
        }
    }
}

impl Board {
    /// Moves every peripheral the device tree at `dt_root` places elsewhere
    /// to the tree's address, and says for each where its base came from.
    pub fn apply_device_tree(&mut self, dt_root: &Path) -> Vec<Relocation> {
        let dt = DeviceTree::open(dt_root);
        let relocations: Vec<Relocation> = self
            .peripherals
            .iter()
            .map(|p| p.resolve_base_in(&dt))
            .collect();
        for r in &relocations {
            if matches!(r.status, RelocationStatus::Moved { .. }) {
                self.set_base(&r.peripheral, r.base);
            }
        }
        relocations
    }
}
