using System.Text.RegularExpressions;
using MoralGraph.Core.Participation;

namespace MoralGraph.Core.Tests.Participation;

public partial class ResumeCodeTests
{
    [Fact]
    public void Generated_codes_are_two_groups_of_five_unambiguous_characters_and_read_back_as_themselves()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => ResumeCode.Generate()).ToList();

        Assert.All(codes, code =>
        {
            Assert.Matches(ShownCode(), code);
            Assert.Equal(code.Replace("-", string.Empty, StringComparison.Ordinal), ResumeCode.Normalize(code));
            Assert.Equal(ResumeCode.Normalize(code), ResumeCode.Normalize(ResumeCode.Normalize(code)));
        });
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("K7QM3-1PD0A")]
    [InlineData("k7qm3-1pd0a")]
    [InlineData("k7qm3 1pd0a")]
    [InlineData("  K7QM3 - 1PD0A ")]
    [InlineData("K7QM31PD0A")]
    [InlineData("K7QM3-1PDOA")]
    [InlineData("K7QM3-IPD0A")]
    [InlineData("K7QM3-lPDoA")]
    [InlineData("K7-QM-31-PD-0A")]
    public void A_code_typed_with_other_case_spacing_or_lookalike_letters_reads_as_the_code(string typed)
    {
        Assert.Equal("K7QM31PD0A", ResumeCode.Normalize(typed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K7QM3")]
    [InlineData("K7QM3-1PD0A-X")]
    [InlineData("K7QM3-1PD0!")]
    [InlineData("K7QM3-UPD0A")]
    [InlineData("K7QM3_1PD0A")]
    [InlineData("hello")]
    [InlineData("résumé code")]
    public void Anything_that_cannot_be_a_code_reads_as_nothing(string? typed)
    {
        Assert.Null(ResumeCode.Normalize(typed));
    }

    [Fact]
    public void The_stored_hash_is_the_same_for_every_typed_form_and_differs_between_studies()
    {
        var hash = ResumeCode.Hash("study-a", "K7QM3-1PD0A");

        Assert.Equal(hash, ResumeCode.Hash("study-a", "k7qm3 lpdoa"));
        Assert.NotEqual(hash, ResumeCode.Hash("study-b", "K7QM3-1PD0A"));
        Assert.NotEqual(hash, ResumeCode.Hash("study-a", "K7QM3-1PD0B"));
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain("K7QM3", hash, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Hashing_something_that_is_not_a_code_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ResumeCode.Hash("study-a", "not a code"));
    }

    [Fact]
    public void Participant_ids_are_random_and_say_nothing_about_the_person()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ParticipantIds.New()).ToList();

        Assert.All(ids, id => Assert.Matches("^p-[0-9a-f]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")]
    private static partial Regex ShownCode();
}
