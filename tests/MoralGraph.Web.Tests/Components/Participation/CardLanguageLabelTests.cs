using System.Globalization;
using Bunit;
using MoralGraph.Web.Components.Participation;
using MoralGraph.Web.Tests.Localization;

namespace MoralGraph.Web.Tests.Components.Participation;

/// <summary>A card keeps its author's words: shown in its own language, marked with lang, and labelled when that is not the page's.</summary>
public sealed class CardLanguageLabelTests : BunitTestContext
{
    [Fact]
    public void A_spanish_card_on_an_english_page_says_it_is_in_spanish_and_keeps_its_words()
    {
        using var _ = new CultureScope("en");

        var card = Render<ValueCardView>(p => p
            .Add(c => c.Title, "Presencia antes que consejo")
            .Add(c => c.Description, "La IA la ayuda a estar presente.")
            .Add(c => c.Policies, ["MOMENTOS en que el silencio dice más"])
            .Add(c => c.Language, "es"));

        Assert.Equal("es", card.Find(".mg-card").GetAttribute("lang"));
        Assert.Equal("Written in Spanish", card.Find("[data-testid=card-language]").TextContent.Trim());
        Assert.Contains("Presencia antes que consejo", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_english_card_on_an_arabic_page_is_labelled_in_arabic()
    {
        using var _ = new CultureScope("ar");

        var card = Render<ValueCardView>(p => p
            .Add(c => c.Title, "Presence over advice")
            .Add(c => c.Language, "en"));

        var label = card.Find("[data-testid=card-language]");
        Assert.StartsWith("مكتوبة باللغة", label.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("ar", label.GetAttribute("lang"));
    }

    [Fact]
    public void A_card_in_the_pages_language_carries_no_label()
    {
        using var _ = new CultureScope("es");

        var card = Render<ValueCardView>(p => p.Add(c => c.Title, "Presencia").Add(c => c.Language, "es"));

        Assert.Empty(card.FindAll("[data-testid=card-language]"));
    }
}
