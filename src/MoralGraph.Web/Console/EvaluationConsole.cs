using System.Security.Claims;
using Microsoft.AspNetCore.Components.Forms;
using MoralGraph.Core.Evaluation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Releases;
using MoralGraph.Web.Access;

namespace MoralGraph.Web.Console;

/// <summary>An uploaded file: its name and bytes.</summary>
/// <param name="Name">The file's name, as the report records it.</param>
/// <param name="Content">Its bytes (hashed into the report).</param>
public sealed record UploadedFile(string Name, byte[] Content);

/// <summary>
/// The evaluate page's work (facilitators of the study): checks a model's answers, given as a responses file, against the
/// live spec or a release, as a judge file judges them — the same <see cref="SpecEvaluation"/> as <c>moralgraph evaluate</c>.
/// </summary>
public sealed class EvaluationConsole(StudyStates states, ConsoleAuthorization authorization, TimeProvider time)
{
    /// <summary>What <see cref="EvaluateAsync"/> takes for the live graph.</summary>
    public const string Live = ReleaseConsole.Live;

    /// <summary>The study's releases, oldest first; null when there is no such study.</summary>
    public async Task<IReadOnlyList<SpecReleased>?> ReleasesAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        return await new StudyReleases(states, time).ListAsync(slug, cancellationToken);
    }

    /// <summary>
    /// The report on <paramref name="responses"/> as <paramref name="verdicts"/> judge them, against release
    /// <paramref name="spec"/> or the live graph (<see cref="Live"/>); null when there is no such study or release.
    /// </summary>
    /// <exception cref="EvaluationFileException">A file's line cannot be read (the message names the file and line).</exception>
    public async Task<EvaluationReport?> EvaluateAsync(
        ClaimsPrincipal user, string slug, string spec, UploadedFile responses, UploadedFile verdicts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(verdicts);
        await authorization.RequireAsync(user, slug, StudyAccess.Facilitator);
        var releases = new StudyReleases(states, time);

        // Reconciled (or made again from the log) and judged: off the circuit's thread.
        return await Task.Run(async () =>
        {
            var specification = spec == Live
                ? await releases.LiveAsync(slug, ReconciliationProfiles.Find(DefaultProfile.ProfileName)!, cancellationToken)
                : (await releases.RegenerateAsync(slug, spec, Stream.Null, cancellationToken))?.Spec;
            if (specification is null)
            {
                return null;
            }

            var cases = EvaluationCase.From(specification);
            return await SpecEvaluation.RunAsync(
                specification, cases,
                ResponsesFile.Read(responses.Name, responses.Content, cases),
                JudgeFile.Read(verdicts.Name, verdicts.Content, cases), cancellationToken: cancellationToken);
        }, cancellationToken);
    }
}

/// <summary>What the evaluate page shows: the specs to choose from, the files uploaded, and the report.</summary>
public sealed class EvaluationPageState(EvaluationConsole evaluations)
{
    /// <summary>Largest responses or judge file accepted from the browser.</summary>
    public const long MaxFileBytes = 32 * 1024 * 1024;

    /// <summary>The study.</summary>
    public string Slug { get; private set; } = string.Empty;

    /// <summary>Its releases, oldest first; null before loading or when there is no such study.</summary>
    public IReadOnlyList<SpecReleased>? Releases { get; private set; }

    /// <summary>The spec to evaluate against: a release id or <see cref="EvaluationConsole.Live"/>.</summary>
    public string Spec { get; set; } = EvaluationConsole.Live;

    /// <summary>The responses file uploaded.</summary>
    public UploadedFile? Responses { get; private set; }

    /// <summary>The judge file uploaded.</summary>
    public UploadedFile? Verdicts { get; private set; }

    /// <summary>The last report made.</summary>
    public EvaluationReport? Report { get; private set; }

    /// <summary>A problem to show (a file too large or unreadable, a release not found).</summary>
    public PageMessage? Problem { get; private set; }

    /// <summary>Loads the study's releases.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        if (slug != Slug)
        {
            (Responses, Verdicts, Report, Spec) = (null, null, null, EvaluationConsole.Live);
        }

        Slug = slug;
        Problem = null;
        Releases = await evaluations.ReleasesAsync(user, slug, cancellationToken);
    }

    /// <summary>Keeps the responses file.</summary>
    public async Task UploadResponsesAsync(IBrowserFile file, CancellationToken cancellationToken = default) => Responses = await ReadAsync(file, cancellationToken) ?? Responses;

    /// <summary>Keeps the judge file.</summary>
    public async Task UploadVerdictsAsync(IBrowserFile file, CancellationToken cancellationToken = default) => Verdicts = await ReadAsync(file, cancellationToken) ?? Verdicts;

    /// <summary>Evaluates the uploaded files against <see cref="Spec"/>.</summary>
    public async Task EvaluateAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        Problem = null;
        if (Responses is null || Verdicts is null)
        {
            Problem = PageMessage.Of("Evaluate.Problem.FilesMissing");
            return;
        }

        try
        {
            Report = await evaluations.EvaluateAsync(user, Slug, Spec, Responses, Verdicts, cancellationToken);
            Problem = Report is null ? PageMessage.Of("Evaluate.Problem.NoRelease", Spec) : null;
        }
        catch (EvaluationFileException e)
        {
            Report = null;
            // Core's sentence: it names the file and the line, and what is wrong there.
            Problem = PageMessage.Verbatim(e.Message);
        }
    }

    private async Task<UploadedFile?> ReadAsync(IBrowserFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        Problem = null;
        if (file.Size > MaxFileBytes)
        {
            Problem = PageMessage.Of("Evaluate.Problem.TooLarge", file.Name, file.Size / (1024 * 1024), MaxFileBytes / (1024 * 1024));
            return null;
        }

        using var memory = new MemoryStream();
        await using var stream = file.OpenReadStream(MaxFileBytes, cancellationToken);
        await stream.CopyToAsync(memory, cancellationToken);
        Report = null;
        return new UploadedFile(file.Name, memory.ToArray());
    }
}
