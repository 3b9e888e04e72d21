using System.Globalization;
using Bunit;
using MoralGraph.Core.Assistance;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Components.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Components.Participation;

/// <summary>
/// A value written in another language than the page shows its own words first, labelled with their language, and a
/// model translation into the page's language below them, labelled as such and marked with its language.
/// </summary>
public sealed class TranslatedValueTests : BunitTestContext
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly CanonicalValue English = new("v-presence", "Presence over advice", "The AI helps her simply be there.", ["MOMENTS when silence says more than words"], []);
    private static readonly CanonicalValue Spanish = new("v-ayuda", "Ayuda práctica", "La IA sugiere cosas concretas.", ["TAREAS para las que no tiene energía"], []);
    private static readonly VoteItem Item = new("i0", new ContextRef("grief", "comforting"), English.Id, Spanish.Id, "Una historia.");

    [Fact]
    public void On_a_spanish_page_an_english_value_keeps_its_words_first_and_shows_the_spanish_translation_below_them()
    {
        using var _ = new CultureScope("es");

        var item = RenderItem(Translation("es", "Presencia antes que consejo", "La IA la ayuda a estar presente.", "MOMENTOS en que el silencio dice más que las palabras"));

        var valueA = item.Find("[data-testid=value-a]");
        Assert.Equal("en", valueA.GetAttribute("lang"));
        Assert.Equal("Escrito en inglés", valueA.QuerySelector("[data-testid=card-language]")!.TextContent.Trim());
        Assert.Equal("Presence over advice", valueA.QuerySelector("h3")!.TextContent.Trim());
        var translation = valueA.QuerySelector("[data-testid=card-translation]")!;
        Assert.Equal("es", translation.GetAttribute("lang"));
        Assert.Equal("ltr", translation.GetAttribute("dir"));
        Assert.Equal("Traducción automática al español", translation.QuerySelector("[data-testid=card-translation-label]")!.TextContent.Trim());
        Assert.Contains("Presencia antes que consejo", translation.TextContent, StringComparison.Ordinal);
        Assert.Contains("MOMENTOS en que el silencio dice más que las palabras", translation.TextContent, StringComparison.Ordinal);
        // The original comes first and whole; the translation after it.
        var text = valueA.TextContent;
        Assert.True(text.IndexOf("MOMENTS when silence says more than words", StringComparison.Ordinal) < text.IndexOf("Traducción automática", StringComparison.Ordinal));
        // The Spanish value needs no translation on a Spanish page.
        Assert.Empty(item.Find("[data-testid=value-b]").QuerySelectorAll("[data-testid=card-translation], [data-testid=card-language]"));
    }

    [Fact]
    public void On_a_page_in_the_values_own_language_no_translation_is_shown()
    {
        using var _ = new CultureScope("en");

        var item = RenderItem(Translation("es", "Presencia antes que consejo", "La IA la ayuda a estar presente.", "MOMENTOS en que el silencio dice más que las palabras"));

        Assert.Empty(item.FindAll("[data-testid=card-translation]"));
        Assert.DoesNotContain("Presencia antes que consejo", item.Markup, StringComparison.Ordinal);
        Assert.Contains("Presence over advice", item.Find("[data-testid=value-a]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_arabic_translation_on_an_arabic_page_reads_right_to_left_with_an_arabic_label()
    {
        using var _ = new CultureScope("ar");

        var item = RenderItem(Translation("ar", "الحضور قبل النصيحة", "يساعدها الذكاء الاصطناعي على أن تكون حاضرة.", "لحظات يقول فيها الصمت أكثر من الكلام"));

        var translation = item.Find("[data-testid=value-a] [data-testid=card-translation]");
        Assert.Equal(("ar", "rtl"), (translation.GetAttribute("lang"), translation.GetAttribute("dir")));
        Assert.StartsWith("ترجمة آلية إلى اللغة", translation.QuerySelector("[data-testid=card-translation-label]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("الحضور قبل النصيحة", translation.TextContent, StringComparison.Ordinal);
    }

    private static ValueTranslated Translation(string language, string title, string description, string policy) =>
        new(English.Id, language, title, description, [policy], ValueTranslated.HashOf(English.Title, English.Description, English.Policies),
            new ModelProvenance("value-translation", "0123456789abcdef", "llama3.1", 0.2, At))
        { StudyId = "kindness", OccurredAt = At, Actor = "model" };

    private IRenderedComponent<VotingItem> RenderItem(ValueTranslated fromTranslation) => Render<VotingItem>(parameters => parameters
        .Add(p => p.Item, Item)
        .Add(p => p.From, English)
        .Add(p => p.To, Spanish)
        .Add(p => p.FromLanguage, "en")
        .Add(p => p.ToLanguage, "es")
        .Add(p => p.FromTranslation, fromTranslation)
        .Add(p => p.ContextText, "Al consolar a alguien"));
}
