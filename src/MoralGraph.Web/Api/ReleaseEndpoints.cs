using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Releases;
using MoralGraph.Web.Access;
using MoralGraph.Web.Console;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Api;

/// <summary>A release as the API lists it.</summary>
/// <param name="ReleaseId">v1, v2, …</param>
/// <param name="PreviousReleaseId">The release before it, or null for the first.</param>
/// <param name="Note">The facilitator's note.</param>
/// <param name="ReleasedAt">When it was published (the spec's generatedAt).</param>
/// <param name="ReleasedBy">The facilitator who published it.</param>
/// <param name="Profile">The reconciliation profile.</param>
/// <param name="ThroughSequence">The study's last event in it.</param>
/// <param name="SpecSha256">SHA-256 of the exact spec bytes.</param>
/// <param name="ContentHash">The spec's contentHash.</param>
/// <param name="Fingerprint">The algorithm fingerprint.</param>
public sealed record ReleaseListItem(
    string ReleaseId, string? PreviousReleaseId, string Note, DateTimeOffset ReleasedAt, string ReleasedBy, string Profile, long ThroughSequence,
    string SpecSha256, string ContentHash, string Fingerprint)
{
    /// <summary>The item for <paramref name="release"/>.</summary>
    public static ReleaseListItem Of(SpecReleased release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new(release.ReleaseId, release.PreviousReleaseId, release.Note, release.ReleasedAt, release.Actor, release.Profile, release.ThroughSequence,
            release.SpecSha256, release.ContentHash, release.Fingerprint);
    }
}

/// <summary>What publishing a release takes.</summary>
/// <param name="Note">What the release is for, what changed (required, at most <see cref="ReleaseEndpoints.MaxNoteLength"/> characters).</param>
/// <param name="Profile">The reconciliation profile (default "default").</param>
public sealed record PublishReleaseRequest(string? Note, string? Profile);

/// <summary>
/// Releases of a study's spec over the HTTP API: list and compare (observers and the study's API keys, like exports),
/// publish (facilitators of the study: an API key only reads), and download a release's spec, made again from the log
/// and checked against its hash.
/// </summary>
public static class ReleaseEndpoints
{
    /// <summary>The longest note a release takes.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>What <c>/diff/{b}</c> accepts for the live graph.</summary>
    public const string Live = "live";

    /// <summary>Maps the release endpoints.</summary>
    public static IEndpointRouteBuilder MapReleaseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var releases = endpoints.MapGroup("/api/studies/{id}/releases").WithTags("Releases")
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.FacilitatorApiBytes));

        releases.MapGet("/", ListAsync).RequireAuthorization(StudyAccess.ApiReader)
            .WithName("ListReleases")
            .WithSummary("Lists a study's releases, oldest first.");

        releases.MapPost("/", PublishAsync).RequireAuthorization(StudyAccess.Facilitator)
            .WithName("PublishRelease")
            .WithSummary("Publishes the study's spec as it stands as its next release (v1, v2, …), with a note. Facilitators only; API keys read.");

        releases.MapGet("/{releaseId}", DownloadAsync).RequireAuthorization(StudyAccess.ApiReader)
            .WithName("DownloadRelease")
            .WithSummary("Downloads a release's alignment spec, made again from the log and checked against its SHA-256 (409 when it no longer reproduces).");

        releases.MapGet("/{a}/diff/{b}", DiffAsync).RequireAuthorization(StudyAccess.ApiReader)
            .WithName("DiffReleases")
            .WithSummary($"Compares release a with release b, or with the live graph when b is '{Live}'.")
            .WithDescription("format: json|markdown (default json).");

        return endpoints;
    }

    internal static async Task<Results<Ok<IReadOnlyList<ReleaseListItem>>, ProblemHttpResult>> ListAsync(
        string id, StudyStates studies, TimeProvider time, CancellationToken cancellationToken)
    {
        var releases = await new StudyReleases(studies, time).ListAsync(id, cancellationToken);
        return releases is null
            ? NoStudy(id)
            : TypedResults.Ok<IReadOnlyList<ReleaseListItem>>([.. releases.Select(ReleaseListItem.Of)]);
    }

    internal static async Task<Results<Created<ReleaseListItem>, ProblemHttpResult>> PublishAsync(
        string id, PublishReleaseRequest request, ClaimsPrincipal user, StudyStates studies, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Note) || request.Note.Length > MaxNoteLength)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A release needs a note",
                detail: $"Say what this release is for in 'note' (1 to {MaxNoteLength} characters).");
        }

        var profile = ReconciliationProfiles.Find(request.Profile);
        if (profile is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown reconciliation profile",
                detail: $"'{request.Profile}' is not a reconciliation profile. Use {ReconciliationProfiles.Names}.");
        }

        try
        {
            var released = await new StudyReleases(studies, time).PublishAsync(id, request.Note, profile.Name, ConsoleAuthorization.ActorOf(user), cancellationToken);
            return released is null
                ? NoStudy(id)
                : TypedResults.Created($"/api/studies/{id}/releases/{released.ReleaseId}", ReleaseListItem.Of(released));
        }
        catch (ReleaseConflictException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Release id taken", detail: e.Message);
        }
    }

    internal static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        string id, string releaseId, StudyStates studies, TimeProvider time, CancellationToken cancellationToken)
    {
        // Checked first (a pass into nothing), then streamed: a spec can be gigabytes, and a file that says it is the
        // release must be its bytes.
        var releases = new StudyReleases(studies, time);
        var check = await releases.RegenerateAsync(id, releaseId, Stream.Null, cancellationToken);
        if (check is null)
        {
            return NoRelease(id, releaseId);
        }

        if (!check.Reproduces)
        {
            return NotReproduced(check);
        }

        return TypedResults.Stream(async body => await releases.RegenerateAsync(id, releaseId, body, cancellationToken),
            "application/json", $"{id}-{releaseId}.json");
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> DiffAsync(
        string id, string a, string b, string? format, StudyStates studies, TimeProvider time, CancellationToken cancellationToken)
    {
        var markdown = format is "markdown" or "md";
        if (!markdown && format is not (null or "" or "json"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown diff format",
                detail: $"'{format}' is not a diff format. Use format=json|markdown.");
        }

        var releases = new StudyReleases(studies, time);
        var older = await releases.RegenerateAsync(id, a, Stream.Null, cancellationToken);
        if (older is null)
        {
            return NoRelease(id, a);
        }

        AlignmentSpec? newer;
        if (b == Live)
        {
            newer = await releases.LiveAsync(id, ReconciliationProfiles.Find(older.Release.Profile)!, cancellationToken);
        }
        else
        {
            var release = await releases.RegenerateAsync(id, b, Stream.Null, cancellationToken);
            if (release is null)
            {
                return NoRelease(id, b);
            }

            newer = release.Spec;
        }

        // Written as 'moralgraph diff' writes it, so a script reads the same document from either.
        var diff = SpecDiff.Compare(older.Spec, newer!, cancellationToken);
        return markdown
            ? TypedResults.Text(SpecDiffRendering.ToMarkdown(diff), "text/markdown; charset=utf-8")
            : TypedResults.Text(SpecDiffRendering.ToJson(diff), "application/json; charset=utf-8");
    }

    private static ProblemHttpResult NoStudy(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Study not found", detail: $"There is no study '{id}'. GET /api/studies lists the studies.");

    private static ProblemHttpResult NoRelease(string id, string releaseId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Release not found",
            detail: $"Study '{id}' has no release '{releaseId}'. GET /api/studies/{id}/releases lists them.");

    private static ProblemHttpResult NotReproduced(RegeneratedRelease release) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The release no longer reproduces",
            detail: $"{release.Release.ReleaseId} was released as {release.Release.SpecSha256}; made again it is {release.SpecSha256}. "
                + "A participant whose words or votes it held may have withdrawn since, or this build is not the one that released it "
                + $"(fingerprint {release.Release.Fingerprint}, now {release.Spec.Algorithm.Fingerprint}).");
}
