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
            ["license"] = study.License,
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
        return Serializer.Serialize(WithoutEmpty(document));
    }

    // The serializer's OmitNull and OmitEmptyCollections apply to object members, not to dictionary entries: left in,
    // an unset capacity reads "capacity:" and a study's own red line "source:", which a facilitator would wonder about.
    private static object? WithoutEmpty(object? node) => node switch
    {
        Dictionary<string, object?> map => map
            .Select(entry => (entry.Key, Value: WithoutEmpty(entry.Value)))
            .Where(entry => entry.Value is not null and not System.Collections.ICollection { Count: 0 })
            .ToDictionary(entry => entry.Key, entry => entry.Value),
        IEnumerable<Dictionary<string, object?>> maps => maps.Select(WithoutEmpty).ToList(),
        _ => node,
    };
}
