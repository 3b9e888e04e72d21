using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Tests;
using MoralGraph.Web.Participation;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>
/// One running app for the participant pages and endpoints: the example study from studies/, and studies in each
/// phase with values to compare. Tests that change a study use a slug of their own.
/// </summary>
public sealed class JourneyAppFixture : IAsyncLifetime
{
    public const string ExampleSlug = "dft-2023-example";
    public const string WithdrawalSlug = "withdrawal-check";
    public const string SessionSlug = "session-check";
    public const string DraftSlug = "not-open-yet";
    public const string ClosedSlug = "all-done";

    public MoralGraphAppFactory Factory { get; } = new MoralGraphAppFactory()
        .WithStudyFile("dft-2023.yaml", File.ReadAllText(RepositoryFiles.PathOf("studies/dft-2023.yaml")))
        .WithStudyFile("withdrawal.yaml", StudyYaml(WithdrawalSlug, "interviewing"))
        .WithStudyFile("session.yaml", StudyYaml(SessionSlug, "interviewing"))
        .WithStudyFile("draft.yaml", StudyYaml(DraftSlug, "draft"))
        .WithStudyFile("closed.yaml", StudyYaml(ClosedSlug, "closed"));

    /// <summary>A client that shows redirects and cookies as the server sent them.</summary>
    public HttpClient Client { get; private set; } = null!;

    public ParticipationService Journey => Factory.Services.GetRequiredService<ParticipationService>();

    public ParticipantCookies Cookies => Factory.Services.GetRequiredService<ParticipantCookies>();

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }

    /// <summary>A one-question study in <paramref name="phase"/> whose three seed values give the voting step items.</summary>
    public static string StudyYaml(string slug, string phase) => $"""
        slug: {slug}
        title: When is kindness wise? ({slug})
        description: A study the journey tests run.
        phase: {phase}
        voteDrawSize: 3
        questions:
          - id: grief
            prompt: My friend just lost her father. What should I say to her?
            contexts:
              - {"{"} id: comforting, text: When comforting someone {"}"}
        seedValues:
          - question: grief
            title: Presence over advice
            description: The AI helps her simply be there.
            policies:
              - MOMENTS when silence says more than words
              - SIGNS she wants to talk about him
              - QUESTIONS that let her lead
          - question: grief
            title: Practical help
            description: The AI suggests concrete things to do for her.
            policies:
              - TASKS she has no energy for
              - DAYS that will be hardest
              - PEOPLE who could share the load
          - question: grief
            title: Honest comfort
            description: The AI avoids empty phrases.
            policies:
              - WORDS that sound kind but ring hollow
              - MEMORIES of him she may want to share
              - FEELINGS she is afraid to admit
        """;
}
