//! The family's notes: `POST /families/{id}/notes`.

use super::family::{done, FamilyForms, Section};
use super::family_id;
use crate::auth::CsrfForm;
use crate::domain::NoteText;
use crate::error::WebError;
use crate::service::{casework, invalid};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

/// `POST /families/{id}/notes`: adds a note (performance officer or the family's lead
/// worker).
pub(super) async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    f: CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let family_id = family_id(&id)?;
    let outcome = match NoteText::parse(&f.form.note) {
        Ok(note) => casework::add_note(&state, &f.user, family_id, note).await,
        Err(message) => Err(invalid("note", message)),
    };
    let forms = FamilyForms {
        note: f.form.note.clone(),
        form: Some(crate::render::Saved::Note),
        ..FamilyForms::default()
    };
    done(
        &state,
        &f.user,
        family_id,
        Section::Notes,
        outcome,
        forms,
        "notes",
    )
    .await
}
