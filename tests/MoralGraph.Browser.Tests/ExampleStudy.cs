namespace MoralGraph.Browser.Tests;

/// <summary>The study a fresh server seeds from <c>studies/dft-2023.yaml</c>, as the pages show it.</summary>
public static class ExampleStudy
{
    public const string Slug = "dft-2023-example";

    public const string Title = "How should an AI answer contested questions? (2023 prompts)";

    /// <summary>Its participant page.</summary>
    public const string ParticipantPath = "/s/" + Slug;
}
