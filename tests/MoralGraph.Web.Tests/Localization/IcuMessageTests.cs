using System.Globalization;

namespace MoralGraph.Web.Tests.Localization;

/// <summary>Plural messages read as a participant expects in each language's own plural categories (CLDR).</summary>
public sealed class IcuMessageTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [Theory]
    [InlineData(0, "0 votes")]
    [InlineData(1, "1 vote")]
    [InlineData(2, "2 votes")]
    [InlineData(1200, "1,200 votes")]
    public void English_has_one_and_other(int count, string expected) =>
        Assert.Equal(expected, IcuMessage.Format("{0, plural, one {# vote} other {# votes}}", English, count));

    [Theory]
    [InlineData(0, "zero")]
    [InlineData(1, "one")]
    [InlineData(2, "two")]
    [InlineData(3, "few")]
    [InlineData(10, "few")]
    [InlineData(11, "many")]
    [InlineData(99, "many")]
    [InlineData(100, "other")]
    [InlineData(103, "few")]
    public void Arabic_takes_all_six_categories(int count, string expected) =>
        Assert.Equal(expected, IcuMessage.Format(
            "{0, plural, zero {zero} one {one} two {two} few {few} many {many} other {other}}", CultureInfo.GetCultureInfo("ar"), count));

    [Fact]
    public void An_exact_number_wins_over_its_category_and_simple_arguments_still_format()
    {
        const string Pattern = "So far {0, plural, =0 {nobody} one {# person} other {# people}} said {1} ({2:P0}).";

        Assert.Equal("So far nobody said wiser (50%).", IcuMessage.Format(Pattern, English, 0, "wiser", 0.5));
        Assert.Equal("So far 1 person said wiser (50%).", IcuMessage.Format(Pattern, English, 1, "wiser", 0.5));
    }

    [Fact]
    public void Apostrophes_stay_as_written_unless_they_quote_a_brace()
    {
        Assert.Equal("That's {0}: 2 isn't one", IcuMessage.Format("That's '{0}': {0, plural, one {# is one} other {# isn't one}}", English, 2));
    }

    [Theory]
    [InlineData("{0, plural, one {# vote}}")]
    [InlineData("{0, plural, one {# vote} other {# votes}")]
    [InlineData("{1}")]
    [InlineData("a } b")]
    public void A_malformed_message_is_a_format_error_naming_the_message(string pattern)
    {
        var error = Assert.Throws<FormatException>(() => IcuMessage.Format(pattern, English, 1));
        Assert.Contains(pattern, error.Message, StringComparison.Ordinal);
    }
}
