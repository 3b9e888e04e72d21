using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Access;
using MoralGraph.Web.Tests.Live;
using System.Security.Claims;

namespace MoralGraph.Web.Tests.Console;

/// <summary>
/// The whole app for the console tests, with facilitators signed in the way the cookie signs them in
/// (<see cref="FacilitatorSignIn.Principal"/>), so the console services check the real policies against the real
/// access log. Each test works on a study of its own.
/// </summary>
public sealed class ConsoleApp : IAsyncLifetime
{
    public const string Administrator = "ada-admin";

    public ConsoleApp()
        : this(new MoralGraphAppFactory())
    {
    }

    /// <summary>The console over <paramref name="factory"/> (configured by the test, e.g. with a scripted model).</summary>
    internal ConsoleApp(MoralGraphAppFactory factory) => Factory = factory;

    public MoralGraphAppFactory Factory { get; }

    public IEventLog Log => Get<IEventLog>();

    public T Get<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public Task InitializeAsync()
    {
        _ = Factory.Server;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();

    /// <summary>The owner of every study.</summary>
    public Task<ClaimsPrincipal> AdministratorAsync() => UserAsync(Administrator, FacilitatorRole.Owner, AccessLog.AllStudies);

    /// <summary>A facilitator signed in with <paramref name="role"/> in <paramref name="scope"/> (created, or granted it, as needed).</summary>
    public async Task<ClaimsPrincipal> UserAsync(string username, FacilitatorRole role, string scope)
    {
        var access = Get<AccessDirectory>();
        var account = (await access.GetStateAsync()).Find(username);
        if (account is null)
        {
            await access.CreateAccountAsync(username, "correct horse battery staple", scope, role, "test");
        }
        else if (account.Roles.GetValueOrDefault(scope) != role)
        {
            await access.GrantAsync(username, scope, role, "test");
        }

        return FacilitatorSignIn.Principal((await access.GetStateAsync()).Find(username)!);
    }

    /// <summary>
    /// A new study in the store, defined from YAML the way a facilitator writes it, with the questions, contexts and
    /// seed values of the live tests' script (whose events then fit it).
    /// </summary>
    public async Task<StudyScript> StudyAsync(string slug, StudyPhase phase = StudyPhase.Interviewing)
    {
        var study = StudyDefinitionReader.Read(StudyYaml(slug, phase.ToString().ToLowerInvariant())).GetValueOrThrow(slug);
        await Log.AppendAllAsync(StudyDefinitionEvents.For(study, DateTimeOffset.UtcNow, "test"));
        return new StudyScript(slug, phase);
    }

    /// <summary>The YAML of <see cref="StudyAsync"/>'s study.</summary>
    public static string StudyYaml(string slug, string phase = "interviewing") => $$"""
        slug: {{slug}}
        title: Live check
        description: A study the console tests run.
        phase: {{phase}}
        questions:
          - id: grief
            title: Grief
            prompt: My friend just lost her father. What should I say?
            contexts:
              - { id: comforting, text: When comforting someone }
              - { id: deciding, text: When helping someone decide }
          - id: work
            title: Work
            prompt: My colleague keeps missing deadlines. What should I do?
            contexts:
              - { id: feedback, text: When giving feedback }
        seedValues:
          - { question: grief, title: Presence over advice, description: Be there., policies: [MOMENTS when silence says more than words, FEELINGS she has not named yet, SIGNS that she wants company] }
          - { question: grief, title: Practical help, description: Do things., policies: [TASKS she has no energy for, MEALS that nobody thought of, ERRANDS that pile up] }
          - { question: grief, title: Honest comfort, description: No empty phrases., policies: [WORDS that ring hollow, MEMORIES she wants to share, QUESTIONS that let her talk] }
          - { question: work, title: Direct feedback, description: Say it plainly., policies: [FACTS about the missed deadlines, EFFECTS on the team, AGREEMENTS we can check] }
          - { question: work, title: Curious support, description: Ask first., policies: [REASONS behind the delays, PRESSURES outside work, OFFERS of help he would accept] }
        """;

    /// <summary>Appends <paramref name="events"/> in order.</summary>
    public async Task AppendAsync(params StudyEvent[] events)
    {
        foreach (var studyEvent in events)
        {
            await Log.AppendAsync(studyEvent);
        }
    }

    /// <summary>The study's events as stored.</summary>
    public async Task<IReadOnlyList<StudyEvent>> EventsAsync(string slug) => [.. (await Log.ReadStudyAsync(slug)).Select(r => r.Event)];
}
