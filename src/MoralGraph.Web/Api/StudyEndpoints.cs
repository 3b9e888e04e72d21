using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Legitimacy;
using MoralGraph.Core.Studies;
using MoralGraph.Web.Access;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Api;

/// <summary>A study as the API lists it.</summary>
/// <param name="Slug">The study's id, used in its URLs.</param>
/// <param name="Title">Its title.</param>
/// <param name="Phase">Where it is in its life.</param>
/// <param name="QuestionCount">Number of questions.</param>
public sealed record StudyListItem(string Slug, string Title, StudyPhase Phase, int QuestionCount);

/// <summary>The HTTP API over studies: the list, exports of each study's moral graph, and the spec's JSON Schema.</summary>
public static class StudyEndpoints
{
    /// <summary>Where the alignment spec's JSON Schema is served.</summary>
    public const string SchemaPath = "/schemas/alignment-spec.v1.schema.json";

    /// <summary>Maps the study endpoints.</summary>
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Exports carry pseudonymous participant ids and every vote: reading a study needs an observer of it, either
        // a signed-in facilitator or an API key of that study (StudyAccess). The schema is public: it holds no data.
        var studies = endpoints.MapGroup("/api/studies").WithTags("Studies").RequireAuthorization(StudyAccess.ApiReader)
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.FacilitatorApiBytes));

        studies.MapGet("/", ListAsync)
            .WithName("ListStudies")
            .WithSummary("Lists the studies the caller may read.");

        studies.MapGet("/{id}/export", ExportAsync)
            .WithName("ExportStudy")
            .WithSummary("Downloads a study's reconciled moral graph.")
            .WithDescription($"format: {ExportFormats.Names} (default json). profile: {ReconciliationProfiles.Names} (default default).");

        studies.MapGet("/{id}/legitimacy", LegitimacyAsync)
            .WithName("StudyLegitimacy")
            .WithSummary("The study's legitimacy report: agreement with each survey statement (share, counts, Wilson 95% interval), per study and per question, and the participants who did each step.")
            .WithDescription($"format: {LegitimacyDocument.Names} (default json). markdown and html are one page a facilitator can publish: counts only, no participant's words.");

        endpoints.MapGet(SchemaPath, () => TypedResults.Text(AlignmentSpecJson.Schema, "application/schema+json"))
            .AllowAnonymous()
            .WithTags("Schemas")
            .WithName("AlignmentSpecSchema")
            .WithSummary("The JSON Schema every alignment spec export validates against.");

        return endpoints;
    }

    internal static async Task<Ok<IReadOnlyList<StudyListItem>>> ListAsync(
        IStudyCatalog catalog, ClaimsPrincipal user, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        var readable = new List<StudyListItem>();
        foreach (var study in await catalog.ListAsync(cancellationToken))
        {
            if ((await authorization.AuthorizeAsync(user, study.Slug, StudyAccess.ApiReader)).Succeeded)
            {
                readable.Add(new StudyListItem(study.Slug, study.Title, study.Phase, study.QuestionCount));
            }
        }

        return TypedResults.Ok<IReadOnlyList<StudyListItem>>(readable);
    }

    internal static async Task<Results<PushStreamHttpResult, FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string id, string? format, string? profile, StudyStates studies, TimeProvider time, CancellationToken cancellationToken)
    {
        var exportFormat = ExportFormats.Find(string.IsNullOrEmpty(format) ? "json" : format);
        if (exportFormat is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown export format",
                detail: $"'{format}' is not an export format. Use format={ExportFormats.Names}.");
        }

        var reconciliationProfile = ReconciliationProfiles.Find(profile);
        if (reconciliationProfile is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown reconciliation profile",
                detail: $"'{profile}' is not a reconciliation profile. Use profile={ReconciliationProfiles.Names}.");
        }

        // The graph's input is taken from the live state under the study's gate (a moment); reconciling it and writing the
        // export happen after, while participants carry on.
        var snapshot = await studies.ReadAsync(id, state => state.ToSnapshot(), cancellationToken);
        if (snapshot is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Study not found",
                detail: $"There is no study '{id}'. GET /api/studies lists the studies.");
        }

        var input = ExportFormats.Prepare(snapshot, reconciliationProfile, time.GetUtcNow(), cancellationToken);
        var fileName = $"{id}-{reconciliationProfile.Name}{exportFormat.FileExtension}";
        if (exportFormat is JsonSpecFormat)
        {
            // The spec's tag is its content hash, weak: the same data and algorithm give the same tag though the bytes
            // differ in their generation time. The reconciliation is in memory, so the hash is one compact pass away
            // and goes out as the ETag before the body, which is then streamed, never held whole (a spec can be gigabytes).
            var contentTag = new EntityTagHeaderValue($"\"{AlignmentSpecJson.ComputeHash(input.Spec)}\"", isWeak: true);
            return TypedResults.Stream(body => exportFormat.WriteAsync(input, body, cancellationToken), exportFormat.MediaType, fileName, entityTag: contentTag);
        }

        if (exportFormat is Core.TrainingData.JsonlPreferencesFormat)
        {
            // One record per edge: a million edges must stream in constant memory, so there is no tag of the bytes (they
            // are never held) and none of the content (the records carry card ids the content hash does not cover alone).
            return TypedResults.Stream(body => exportFormat.WriteAsync(input, body, cancellationToken), exportFormat.MediaType, fileName);
        }

        // Other formats carry more than the spec (votes.csv has vote ids and times), so their tag is the hash of the bytes
        // sent, known only once they are written: they are written whole first (their writers build their text in memory anyway).
        using var output = new MemoryStream();
        await exportFormat.WriteAsync(input, output, cancellationToken);
        var bytes = output.ToArray();
        return TypedResults.File(bytes, exportFormat.MediaType, fileName,
            entityTag: new EntityTagHeaderValue($"\"sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}\""));
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> LegitimacyAsync(
        string id, string? format, StudyStates studies, CancellationToken cancellationToken)
    {
        if (LegitimacyDocument.Find(format) is not { } chosen)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown report format",
                detail: $"'{format}' is not a legitimacy report format. Use format={LegitimacyDocument.Names}.");
        }

        // Counting takes a moment under the study's gate; the page is written after, from the report and the study's titles.
        var read = await studies.ReadAsync(id, state => (Report: LegitimacyReport.Of(state), Study: state.Study!), cancellationToken);
        if (read.Study is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Study not found",
                detail: $"There is no study '{id}'. GET /api/studies lists the studies.");
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(LegitimacyDocument.Render(chosen, read.Report, read.Study));
        // Shown inline (a browser opens the HTML page) and named for saving.
        return TypedResults.File(bytes, LegitimacyDocument.MediaType(chosen), $"{id}-legitimacy{LegitimacyDocument.FileExtension(chosen)}");
    }
}
