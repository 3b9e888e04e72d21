namespace MoralGraph.Core.Tests.Text;

public sealed class TextNormalizationTests
{
    [Theory]
    [InlineData("\uFEFFCare in grief", "Care in grief")]
    [InlineData("\uFEFF\uFEFF  Care in grief", "Care in grief")]
    [InlineData(" \uFEFFCare", "Care")]
    [InlineData("Care\uFEFF in grief", "Care\uFEFF in grief")]
    public void A_leading_byte_order_mark_is_dropped_so_a_reloaded_page_shows_and_saves_the_same_text(string typed, string stored)
    {
        Assert.Equal(stored, TextNormalization.CollapseWhitespace(typed));
        Assert.Equal(stored, TextNormalization.CollapseWhitespace(TextNormalization.CollapseWhitespace(typed)));
    }
}
