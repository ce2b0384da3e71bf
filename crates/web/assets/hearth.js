// Marks the page as having JavaScript, as GOV.UK Frontend expects (must run before the body's
// content is laid out). Pages work without it.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
