using MoralGraph.Core.Studies;
using MoralGraph.Web.Localization;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>The languages a study offers, as every participant request reads them: from the study's gate once a minute, not per request.</summary>
public sealed class StudyLanguageCacheTests : IDisposable
{
    private readonly JourneyStore _store = new();

    [Fact]
    public async Task A_facilitators_change_of_languages_shows_within_a_minute_and_an_unknown_study_is_not_kept()
    {
        await _store.WithStudyAsync(JourneyStore.Study());
        var cache = new StudyLanguageCache(_store.Log, _store.Time);
        Assert.Equal(["en"], await cache.LanguagesOfAsync(JourneyStore.Slug, default));

        var english = JourneyStore.Study();
        await _store.WithStudyAsync(new Study(english.Slug, english.Title, english.Description, english.Questions, english.RedLines, ["es", "en"], english.Phase, english.VoteDrawSize));

        // Within the minute the cached languages stand; after it, the new ones.
        _store.Time.Advance(StudyLanguageCache.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(["en"], await cache.LanguagesOfAsync(JourneyStore.Slug, default));
        _store.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["es", "en"], await cache.LanguagesOfAsync(JourneyStore.Slug, default));
        Assert.Null(await cache.LanguagesOfAsync("no-such-study", default));
    }

    public void Dispose() => _store.Dispose();
}
