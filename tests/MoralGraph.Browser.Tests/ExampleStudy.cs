namespace MoralGraph.Browser.Tests;

/// <summary>The study a fresh server seeds from <c>studies/dft-2023.yaml</c>, as the pages show it.</summary>
public static class ExampleStudy
{
    public const string Slug = "dft-2023-example";

    public const string Title = "How should an AI answer contested questions? (2023 prompts)";

    /// <summary>Its participant page.</summary>
    public const string ParticipantPath = "/s/" + Slug;

    /// <summary>Where a participant types their resume code.</summary>
    public const string ResumePath = ParticipantPath + "/resume";

    /// <summary>Where a participant sees what became of their card.</summary>
    public const string MyValuePath = ParticipantPath + "/my-value";

    /// <summary>Its moral graph as the JSON alignment spec (for a signed-in facilitator or an API key of the study).</summary>
    public const string ExportPath = "/api/studies/" + Slug + "/export?format=json";

    /// <summary>The question participants choose in the journey tests; the study seeds four values for it.</summary>
    public const string QuestionId = "abortion";

    /// <summary>How many wiser-than items each participant is given (<c>voteDrawSize</c>).</summary>
    public const int VoteDrawSize = 4;
}
