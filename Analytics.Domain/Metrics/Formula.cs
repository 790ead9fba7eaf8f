using System.Globalization;

namespace Analytics.Domain.Metrics;

/// <summary>
/// A parsed metric formula: <c>+ - * /</c>, parentheses, unary minus, numeric literals and names (measures or other
/// metrics). Evaluation is over already-summed base values; a null operand or a division by zero gives null, and a
/// result that is not a finite number (overflow) gives null too — never infinity or NaN.
/// </summary>
public abstract record Formula
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormulaException"/> naming the position (1-based) of the problem.</summary>
    public static Formula Parse(string text) => new FormulaParser(text).ParseAll();

    /// <summary>Every name the formula references, in order of first appearance.</summary>
    public IReadOnlyList<string> References()
    {
        var names = new List<string>();
        Collect(this, names);
        return names;

        static void Collect(Formula node, List<string> names)
        {
            switch (node)
            {
                case Reference r when !names.Contains(r.Name, StringComparer.OrdinalIgnoreCase): names.Add(r.Name); break;
                case Negate n: Collect(n.Operand, names); break;
                case Binary b: Collect(b.Left, names); Collect(b.Right, names); break;
            }
        }
    }

    /// <summary>Evaluates with <paramref name="value"/> giving each referenced name's (summed) value, null when absent.</summary>
    public abstract double? Evaluate(Func<string, double?> value);

    /// <summary>Replaces each reference by what <paramref name="substitute"/> returns for it (used to inline metrics).</summary>
    public abstract Formula Substitute(Func<Reference, Formula> substitute);

    public sealed record Number(double Value) : Formula
    {
        public override double? Evaluate(Func<string, double?> value) => Value;
        public override Formula Substitute(Func<Reference, Formula> substitute) => this;
        public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture);
    }

    public sealed record Reference(string Name) : Formula
    {
        public override double? Evaluate(Func<string, double?> value) => Finite(value(Name));
        public override Formula Substitute(Func<Reference, Formula> substitute) => substitute(this);
        public override string ToString() => Name;
    }

    public sealed record Negate(Formula Operand) : Formula
    {
        public override double? Evaluate(Func<string, double?> value) => -Operand.Evaluate(value);
        public override Formula Substitute(Func<Reference, Formula> substitute) => new Negate(Operand.Substitute(substitute));
        public override string ToString() => $"-({Operand})";
    }

    public sealed record Binary(char Operator, Formula Left, Formula Right) : Formula
    {
        public override double? Evaluate(Func<string, double?> value)
        {
            if (Left.Evaluate(value) is not { } l || Right.Evaluate(value) is not { } r) return null;
            return Finite(Operator switch
            {
                '+' => l + r,
                '-' => l - r,
                '*' => l * r,
                '/' => r == 0 ? null : l / r,
                _ => throw new InvalidOperationException($"Unknown operator {Operator}."),
            });
        }

        public override Formula Substitute(Func<Reference, Formula> substitute) =>
            new Binary(Operator, Left.Substitute(substitute), Right.Substitute(substitute));

        public override string ToString() => $"({Left} {Operator} {Right})";
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}

/// <summary>A formula that does not parse; <see cref="Position"/> is 1-based.</summary>
public sealed class FormulaException(string message, int position) : DomainException(message)
{
    public int Position { get; } = position;
}

/// <summary>Recursive descent: expr = term (('+'|'-') term)*; term = unary (('*'|'/') unary)*; unary = '-' unary | atom.</summary>
internal sealed class FormulaParser(string text)
{
    private const int MaxLength = 500;
    private const int MaxDepth = 50;
    private int _pos;
    private int _depth;

    public Formula ParseAll()
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormulaException("The formula is empty (at position 1).", 1);
        if (text.Length > MaxLength) throw new FormulaException($"The formula is longer than {MaxLength} characters.", MaxLength + 1);
        var result = Expression();
        SkipSpace();
        if (_pos < text.Length) throw Error(text[_pos] == ')' ? "Unmatched ')'" : $"Unexpected '{text[_pos]}'");
        return result;
    }

    private Formula Expression()
    {
        if (++_depth > MaxDepth) throw Error($"The formula nests deeper than {MaxDepth} levels");
        var left = Term();
        while (Peek() is '+' or '-')
        {
            var op = text[_pos++];
            left = new Formula.Binary(op, left, Term());
        }
        _depth--;
        return left;
    }

    private Formula Term()
    {
        var left = Unary();
        while (Peek() is '*' or '/')
        {
            var op = text[_pos++];
            left = new Formula.Binary(op, left, Unary());
        }
        return left;
    }

    private Formula Unary()
    {
        if (Peek() == '-')
        {
            _pos++;
            if (++_depth > MaxDepth) throw Error($"The formula nests deeper than {MaxDepth} levels");
            var operand = Unary();
            _depth--;
            return new Formula.Negate(operand);
        }
        return Atom();
    }

    private Formula Atom()
    {
        var c = Peek();
        if (c is null) throw Error("Expected a number, a name or '(' but the formula ended");
        if (c == '(')
        {
            _pos++;
            var inner = Expression();
            if (Peek() != ')') throw Error(Peek() is null ? "Missing ')'" : $"Expected ')' but found '{text[_pos]}'");
            _pos++;
            return inner;
        }
        if (char.IsAsciiDigit(c.Value) || c == '.') return NumberLiteral();
        if (char.IsAsciiLetter(c.Value) || c == '_') return Name();
        throw Error($"Unexpected '{c}': only + - * / ( ), numbers and measure or metric names are allowed");
    }

    private Formula NumberLiteral()
    {
        var start = _pos;
        while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
        var literal = text[start.._pos];
        if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new FormulaException($"'{literal}' at position {start + 1} is not a number.", start + 1);
        return new Formula.Number(value);
    }

    private Formula Name()
    {
        var start = _pos;
        while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
        return new Formula.Reference(text[start.._pos].ToLowerInvariant());
    }

    private char? Peek()
    {
        SkipSpace();
        return _pos < text.Length ? text[_pos] : null;
    }

    private void SkipSpace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
    }

    private FormulaException Error(string what) => new($"{what} at position {_pos + 1}.", _pos + 1);
}
