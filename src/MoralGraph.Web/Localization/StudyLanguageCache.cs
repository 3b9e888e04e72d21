using System.Collections.Concurrent;
using MoralGraph.Core.Events;

namespace MoralGraph.Web.Localization;

/// <summary>
/// The languages each study offers, as the participant pages and API look them up on every request. Read through the
/// study's gate only once a minute per study: a participant's vote already takes that gate, and a second entry per call
/// would add to the queue a live room's votes wait in. A facilitator's change of a study's languages shows within
/// <see cref="Lifetime"/>. Unknown studies are not kept, so made-up slugs do not fill the cache.
/// </summary>
/// <param name="studies">The live study states.</param>
/// <param name="time">The clock the entries expire by.</param>
public sealed class StudyLanguageCache(StudyStates studies, TimeProvider time)
{
    /// <summary>How long a study's languages are used before they are read again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Languages, DateTimeOffset ReadAt)> _languages = new(StringComparer.Ordinal);

    /// <summary>The languages <paramref name="slug"/> offers (its <c>languages</c> as written), or null when there is no such study.</summary>
    public async ValueTask<IReadOnlyList<string>?> LanguagesOfAsync(string slug, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_languages.TryGetValue(slug, out var known) && now - known.ReadAt < Lifetime)
        {
            return known.Languages;
        }

        var languages = await studies.ReadAsync(slug, state => state.Study?.Languages, cancellationToken).ConfigureAwait(false);
        if (languages is null)
        {
            _languages.TryRemove(slug, out _);
            return null;
        }

        _languages[slug] = (languages, now);
        return languages;
    }
}
