namespace MoralGraph.Web.Tests;

/// <summary>Study definition files as facilitators write them (see studies/dft-2023.yaml).</summary>
public static class TestStudies
{
    public const string KindnessSlug = "kindness-check";
    public const string KindnessTitle = "When is kindness wise? (web test)";

    public const string Kindness = """
        slug: kindness-check
        title: When is kindness wise? (web test)
        description: A small study the web tests seed.
        phase: voting
        voteDrawSize: 3
        languages: [en]
        redLines:
          - id: no-cruelty
            statement: Never mock a grieving person.
        questions:
          - id: grief
            title: Grief
            prompt: My friend just lost her father. What should I say to her?
            contexts:
              - { id: comforting, text: When comforting someone }
              - { id: being-honest, text: When being honest }
        """;

    public const string Honesty = """
        slug: honesty-check
        title: When is honesty kind? (web test)
        questions:
          - id: feedback
            prompt: My colleague asked what I think of his novel, and I did not like it. What do I tell him?
            contexts:
              - { text: When giving feedback }
        """;

    /// <summary>Not YAML at all: the reader reports the line.</summary>
    public const string NotYaml = """
        slug: broken
        title: [this list never closes
        questions:
        """;

    /// <summary>YAML, but not a valid study: a bad slug, no title, no questions.</summary>
    public const string Invalid = """
        slug: Not A Slug
        questions: []
        """;
}
