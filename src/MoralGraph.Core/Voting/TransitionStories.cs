using MoralGraph.Core.Studies;
using MoralGraph.Core.Text;
using MoralGraph.Core.Values;

namespace MoralGraph.Core.Voting;

/// <summary>Writes the short story shown with a wiser-than item: someone who moved from value A to value B in a context.</summary>
public interface ITransitionStoryWriter
{
    /// <summary>The story of moving from <paramref name="wiserFrom"/> to <paramref name="wiserTo"/> in <paramref name="context"/>.</summary>
    Task<string> WriteAsync(StudyContext context, CanonicalValue wiserFrom, CanonicalValue wiserTo, CancellationToken cancellationToken = default);
}

/// <summary>
/// The offline story: a first-person template that tells, in plain words, how the teller's attention moved from what
/// value A attends to to what value B attends to in a context, worded by the phrasebook (<c>Story.Template</c>). It says
/// what changed without claiming that it was wiser; the two cards are shown beside it with their titles.
/// </summary>
/// <param name="phrases">Wording in the participant's language.</param>
public sealed class TemplateTransitionStoryWriter(IPhrasebook phrases) : ITransitionStoryWriter
{
    /// <summary>Policies of each value quoted in the story.</summary>
    public const int PoliciesQuoted = 2;

    /// <inheritdoc />
    public Task<string> WriteAsync(StudyContext context, CanonicalValue wiserFrom, CanonicalValue wiserTo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(wiserFrom);
        ArgumentNullException.ThrowIfNull(wiserTo);
        return Task.FromResult(phrases.Phrase("Story.Template", context.Text, AttentionOf(wiserFrom), AttentionOf(wiserTo)));
    }

    // What a value attends to, as a phrase inside a sentence: its first policies, or, without any, what its title stands for.
    private string AttentionOf(CanonicalValue value)
    {
        var attended = value.Policies.Take(PoliciesQuoted).Select(AsPhrase).ToList();
        return attended.Count switch
        {
            0 => phrases.Phrase("Story.WhatItStandsFor", value.Title),
            1 => attended[0],
            _ => phrases.Phrase("Story.And", string.Join(", ", attended[..^1]), attended[^1]),
        };
    }

    // "MOMENTS when the person…" reads as "moments when the person…" inside a sentence.
    private static string AsPhrase(string policy)
    {
        var words = policy.TrimEnd('.', ' ').Split(' ');
        for (var i = 0; i < words.Length && words[i].Length > 1 && words[i].All(c => !char.IsLetter(c) || char.IsUpper(c)); i++)
        {
            words[i] = words[i].ToLowerInvariant();
        }

        return string.Join(' ', words);
    }
}
