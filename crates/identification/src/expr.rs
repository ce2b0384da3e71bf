//! Conditions and value expressions over a fact's attributes, compiled once with `evalexpr`.

use evalexpr::{Context, EvalexprError, EvalexprResult, Node, Value};
use hearth_model::{AttrValue, Fact};

/// An expression over a fact's attributes, parsed once when the rules are loaded.
///
/// The expression language is [`evalexpr`]'s (version 11, the last MIT-licensed release):
/// `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, `+ - * / %`, parentheses, string
/// literals in double quotes, `true`/`false`, and its built-in functions such as
/// `str::to_lowercase(x)`. Attribute names are variables. Assignment is not allowed.
#[derive(Debug, Clone)]
pub struct Expression {
    source: String,
    tree: Node,
    /// The attribute names the expression reads, sorted and without duplicates.
    variables: Vec<String>,
}

impl Expression {
    /// Parses `source`. The error is the parser's message, for the caller to put in context.
    pub fn parse(source: &str) -> Result<Expression, String> {
        let tree = evalexpr::build_operator_tree(source).map_err(|e| e.to_string())?;
        check_arity(&tree)?;
        if let Some(w) = tree.iter_write_variable_identifiers().next() {
            return Err(format!(
                "assigns to `{w}`; a condition only reads a fact's attributes"
            ));
        }
        let mut variables: Vec<String> = tree
            .iter_read_variable_identifiers()
            .map(str::to_string)
            .collect();
        variables.sort();
        variables.dedup();
        Ok(Expression {
            source: source.to_string(),
            tree,
            variables,
        })
    }

    /// The text as written in the rules file.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The attribute names the expression reads.
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    /// The text values the expression mentions (its string literals, e.g. `"Domestic
    /// Abuse"`), sorted and without duplicates: what a partner's codes are compared with.
    pub fn text_literals(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .tree
            .iter()
            .filter_map(|n| match n.operator() {
                evalexpr::Operator::Const {
                    value: Value::String(s),
                } => Some(s.as_str()),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the condition holds for one fact; `None` when it cannot be evaluated for it (an
    /// attribute it reads is missing, or a value has the wrong type). For callers outside
    /// identification (the cost savings calculator) that count rather than diagnose.
    pub fn holds(&self, fact: &Fact) -> Option<bool> {
        self.eval_bool(fact).ok()
    }

    /// The expression's number for one fact; `None` when it cannot be evaluated for it.
    pub fn number(&self, fact: &Fact) -> Option<f64> {
        self.eval_number(fact).ok()
    }

    /// Evaluates to true or false for one fact.
    pub(crate) fn eval_bool(&self, fact: &Fact) -> Result<bool, EvalFailure> {
        let ctx = FactContext::new(&self.variables, fact)?;
        self.tree.eval_boolean_with_context(&ctx).map_err(classify)
    }

    /// Evaluates to a number for one fact.
    pub(crate) fn eval_number(&self, fact: &Fact) -> Result<f64, EvalFailure> {
        let ctx = FactContext::new(&self.variables, fact)?;
        let v = self.tree.eval_number_with_context(&ctx).map_err(classify)?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(EvalFailure::Arithmetic)
        }
    }
}

/// `evalexpr` accepts some incomplete expressions (`a +`, `!`) and fails only when they are
/// evaluated; catch them when the rules are loaded instead.
fn check_arity(node: &Node) -> Result<(), String> {
    use evalexpr::Operator as O;
    let n = node.children().len();
    let (ok, what) = match node.operator() {
        O::RootNode => (n == 1, "an expression"),
        O::Add
        | O::Sub
        | O::Mul
        | O::Div
        | O::Mod
        | O::Exp
        | O::Eq
        | O::Neq
        | O::Gt
        | O::Lt
        | O::Geq
        | O::Leq
        | O::And
        | O::Or => (n == 2, "a value on each side of an operator"),
        O::Not | O::Neg => (n == 1, "a value after `!` or `-`"),
        _ => (true, ""),
    };
    if !ok {
        return Err(format!("incomplete expression: expected {what}"));
    }
    node.children().iter().try_for_each(check_arity)
}

/// Why an expression could not be evaluated for a fact. Carries attribute *names* only,
/// never attribute values, so that it can be reported without leaking record content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EvalFailure {
    MissingAttribute(String),
    WrongType,
    Arithmetic,
    UnknownFunction(String),
    Other,
}

impl std::fmt::Display for EvalFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalFailure::MissingAttribute(a) => write!(f, "the fact has no attribute `{a}`"),
            EvalFailure::WrongType => f.write_str(
                "a value was missing or had the wrong type for the expression (e.g. text \
                 compared with a number, or the condition did not give true/false)",
            ),
            EvalFailure::Arithmetic => {
                f.write_str("arithmetic failed (overflow, division by zero or not a number)")
            }
            EvalFailure::UnknownFunction(n) => write!(f, "unknown function `{n}`"),
            EvalFailure::Other => f.write_str("the expression could not be evaluated"),
        }
    }
}

fn classify(e: EvalexprError) -> EvalFailure {
    use EvalexprError as E;
    match e {
        E::VariableIdentifierNotFound(n) => EvalFailure::MissingAttribute(n),
        E::FunctionIdentifierNotFound(n) => EvalFailure::UnknownFunction(n),
        E::AdditionError { .. }
        | E::SubtractionError { .. }
        | E::NegationError { .. }
        | E::MultiplicationError { .. }
        | E::DivisionError { .. }
        | E::ModulationError { .. } => EvalFailure::Arithmetic,
        E::ExpectedString { .. }
        | E::ExpectedInt { .. }
        | E::ExpectedFloat { .. }
        | E::ExpectedNumber { .. }
        | E::ExpectedNumberOrString { .. }
        | E::ExpectedBoolean { .. }
        | E::ExpectedTuple { .. }
        | E::ExpectedFixedLengthTuple { .. }
        | E::ExpectedRangedLengthTuple { .. }
        | E::ExpectedEmpty { .. }
        | E::TypeError { .. }
        | E::WrongTypeCombination { .. }
        | E::WrongOperatorArgumentAmount { .. }
        | E::WrongFunctionArgumentAmount { .. } => EvalFailure::WrongType,
        _ => EvalFailure::Other,
    }
}

/// The variables one expression reads, taken from one fact. Only the names the expression
/// uses are converted, so evaluation costs little more than the expression itself.
struct FactContext<'a> {
    vars: Vec<(usize, Value)>,
    names: &'a [String],
}

impl<'a> FactContext<'a> {
    fn new(names: &'a [String], fact: &Fact) -> Result<FactContext<'a>, EvalFailure> {
        let mut vars = Vec::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            if let Some(v) = fact.attributes.get(n) {
                vars.push((i, to_value(v)));
            }
        }
        Ok(FactContext { vars, names })
    }
}

/// What a missing attribute reads as: equality tests with it are false, arithmetic and
/// ordering fail (and are reported).
static MISSING: Value = Value::Empty;

impl Context for FactContext<'_> {
    fn get_value(&self, identifier: &str) -> Option<&Value> {
        let names = self.names;
        match self.vars.iter().find(|(i, _)| names[*i] == identifier) {
            Some((_, v)) => Some(v),
            None if names.iter().any(|n| n == identifier) => Some(&MISSING),
            None => None,
        }
    }

    fn call_function(&self, identifier: &str, _argument: &Value) -> EvalexprResult<Value> {
        Err(EvalexprError::FunctionIdentifierNotFound(
            identifier.to_string(),
        ))
    }

    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }

    fn set_builtin_functions_disabled(&mut self, _disabled: bool) -> EvalexprResult<()> {
        Err(EvalexprError::BuiltinFunctionsCannotBeDisabled)
    }
}

/// Whole numbers become integers so that `fixed_term_exclusions == 3` holds for `3.0`.
fn to_value(v: &AttrValue) -> Value {
    match v {
        AttrValue::Bool(b) => Value::Boolean(*b),
        AttrValue::Text(s) => Value::String(s.clone()),
        AttrValue::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Value::Int(*n as i64)
            } else {
                Value::Float(*n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(attrs: &[(&str, AttrValue)]) -> Fact {
        Fact {
            event_type: "x".into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..Fact::default()
        }
    }

    #[test]
    fn conditions_read_attributes() {
        let e = Expression::parse(
            "(incident_category == \"Crime\" || incident_category == \"ASB\") && n == 3",
        )
        .unwrap();
        assert_eq!(e.variables(), ["incident_category", "n"]);
        let f = fact(&[
            ("incident_category", AttrValue::Text("ASB".into())),
            ("n", AttrValue::Number(3.0)),
        ]);
        assert_eq!(e.eval_bool(&f), Ok(true));
        // A missing attribute is never equal to anything...
        let g = fact(&[("incident_category", AttrValue::Text("ASB".into()))]);
        assert_eq!(e.eval_bool(&g), Ok(false));
        // ...and cannot be ordered or added.
        let e = Expression::parse("n >= 3").unwrap();
        assert_eq!(e.eval_bool(&g), Err(EvalFailure::WrongType));
    }

    #[test]
    fn incomplete_expressions_are_refused() {
        for bad in ["a +", "!", "", "a == ", "(a > 1) &&"] {
            assert!(Expression::parse(bad).is_err(), "{bad:?}");
        }
        for good in [
            "a",
            "-a",
            "!a",
            "(a + 1) * 2 > 3",
            "str::to_lowercase(x) == \"y\"",
        ] {
            assert!(Expression::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn assignment_is_refused() {
        assert!(Expression::parse("a = 1").unwrap_err().contains("assigns"));
    }

    #[test]
    fn numbers() {
        let e = Expression::parse("a / b").unwrap();
        let f = fact(&[("a", AttrValue::Number(1.0)), ("b", AttrValue::Number(0.0))]);
        assert_eq!(e.eval_number(&f), Err(EvalFailure::Arithmetic));
        let f = fact(&[("a", AttrValue::Number(1.5)), ("b", AttrValue::Number(3.0))]);
        assert_eq!(e.eval_number(&f), Ok(0.5));
    }
}
