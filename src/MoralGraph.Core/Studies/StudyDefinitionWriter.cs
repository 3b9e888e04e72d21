using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MoralGraph.Core.Studies;

/// <summary>
/// Writes a study as the YAML <see cref="StudyDefinitionReader"/> reads, so a facilitator can edit a running study's
/// definition as text and every field round-trips. Red lines from shared files are written with their source.
/// </summary>
public static class StudyDefinitionWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .Build();

    /// <summary>The study's definition as YAML.</summary>
    public static string Write(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var document = new Dictionary<string, object?>
        {
            ["slug"] = study.Slug,
            ["title"] = study.Title,
            ["description"] = study.Description,
            ["phase"] = study.Phase.ToString().ToLowerInvariant(),
            ["voteDrawSize"] = study.VoteDrawSize,
            ["languages"] = study.Languages.ToList(),
            ["questionAssignment"] = study.QuestionAssignment == QuestionAssignment.Balanced ? "balanced" : "participant-chooses",
            ["capacity"] = study.Capacity,
            ["inviteCodes"] = study.InviteCodes.Select(c => new Dictionary<string, object?> { ["code"] = c.Code, ["capacity"] = c.Capacity }).ToList(),
            ["redLines"] = study.RedLines.Select(r => new Dictionary<string, object?>
            {
                ["id"] = r.Id, ["statement"] = r.Statement, ["source"] = r.Source == "study" ? null : r.Source,
            }).ToList(),
            ["questions"] = study.Questions.Select(q => new Dictionary<string, object?>
            {
                ["id"] = q.Id,
                ["title"] = q.Title,
                ["prompt"] = q.Prompt,
                ["contexts"] = q.Contexts.Select(c => new Dictionary<string, object?> { ["id"] = c.Id, ["text"] = c.Text }).ToList(),
            }).ToList(),
            ["seedValues"] = study.SeedValues.Select(v => new Dictionary<string, object?>
            {
                ["question"] = v.QuestionId, ["title"] = v.Title, ["description"] = v.Description, ["policies"] = v.Policies.ToList(),
            }).ToList(),
        };
        return Serializer.Serialize(document);
    }
}
