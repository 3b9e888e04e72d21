namespace MoralGraph.Core.Elicitation;

/// <summary>How much a validation problem matters.</summary>
public enum ProblemSeverity
{
    /// <summary>The record is refused.</summary>
    Error,

    /// <summary>The record is accepted; the problem is reported (e.g. a historical card that predates a rule).</summary>
    Warning,
}

/// <summary>One problem with one field, phrased for the person who can fix it.</summary>
/// <param name="Field">The field's name as users see it in files and forms, e.g. <c>policies[2]</c>.</param>
/// <param name="Message">What is wrong and what would be right.</param>
/// <param name="Severity">Whether the record is refused.</param>
public sealed record ValidationProblem(string Field, string Message, ProblemSeverity Severity = ProblemSeverity.Error)
{
    /// <summary>
    /// A stable name for the kind of problem (e.g. <c>TitleWords</c>), so a user interface can word it in the
    /// participant's language from <see cref="Arguments"/>; null where only the English message exists.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>The values the message is built from, in the order a localized wording takes them ({0}, {1}, …).</summary>
    public IReadOnlyList<object> Arguments { get; init; } = [];

    /// <summary>Equal when field, message, severity and code are: the arguments are what the message already says.</summary>
    public bool Equals(ValidationProblem? other) =>
        other is not null && Field == other.Field && Message == other.Message && Severity == other.Severity && Code == other.Code;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Field, Message, Severity, Code);

    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A value that was built, or every problem that stopped it.</summary>
/// <typeparam name="T">The validated type.</typeparam>
public sealed class ValidationResult<T>
    where T : class
{
    private ValidationResult(T? value, IReadOnlyList<ValidationProblem> problems)
    {
        Value = value;
        Problems = problems;
    }

    /// <summary>The built value, or null when invalid.</summary>
    public T? Value { get; }

    /// <summary>Every problem found: errors when invalid, warnings otherwise.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>True when <see cref="Value"/> was built.</summary>
    public bool IsValid => Value is not null;

    internal static ValidationResult<T> Valid(T value, IReadOnlyList<ValidationProblem> warnings) => new(value, warnings);

    internal static ValidationResult<T> Invalid(IReadOnlyList<ValidationProblem> problems) => new(null, problems);

    /// <summary>The value, or a <see cref="DomainValidationException"/> listing every problem.</summary>
    public T GetValueOrThrow(string what) =>
        Value ?? throw new DomainValidationException(what, Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList());
}

/// <summary>Thrown when a domain object cannot be built; carries every problem, not just the first.</summary>
public sealed class DomainValidationException : Exception
{
    /// <summary>Creates the exception for <paramref name="what"/> with its problems.</summary>
    public DomainValidationException(string what, IReadOnlyList<ValidationProblem> problems)
        : base($"{what} is invalid: " + string.Join("; ", problems))
    {
        What = what;
        Problems = problems;
    }

    /// <summary>What was being built, e.g. "card 17".</summary>
    public string What { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }
}
