using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core.Assistance;

namespace MoralGraph.LanguageModels.Prompts;

/// <summary>
/// A system prompt with a stable id. Its <see cref="Hash"/> changes whenever a word of it does, and every artifact a
/// model makes with it records both, so a study's results can be traced to the exact wording that produced them.
/// </summary>
/// <param name="Id">Stable id, such as <c>interviewer</c>.</param>
/// <param name="Text">The prompt's text.</param>
public sealed record Prompt(string Id, string Text)
{
    /// <summary>The first 16 hex digits of the SHA-256 of <see cref="Text"/>.</summary>
    public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..16];

    /// <summary>The provenance of a call made with this prompt now.</summary>
    public ModelProvenance ProvenanceFor(string modelId, double? temperature, DateTimeOffset at) => new(Id, Hash, modelId, temperature, at);
}
