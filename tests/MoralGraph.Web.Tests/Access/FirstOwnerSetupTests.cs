using MoralGraph.Web.Access;

namespace MoralGraph.Web.Tests.Access;

/// <summary>The setup token itself: one per start, matched exactly, gone once retired, printed as links an operator can open.</summary>
public sealed class FirstOwnerSetupTests
{
    [Fact]
    public void A_start_issues_one_long_random_token_and_matches_only_it_until_retired()
    {
        var setup = new FirstOwnerSetup();
        var token = setup.Issue();

        Assert.Equal(token, setup.Issue());
        Assert.Equal(43, token.Length);
        Assert.NotEqual(token, new FirstOwnerSetup().Issue());
        Assert.True(setup.Matches(token));
        Assert.False(setup.Matches(null));
        Assert.False(setup.Matches(""));
        Assert.False(setup.Matches(" " + token));

        setup.Retire();

        Assert.Null(setup.Token);
        Assert.False(setup.Matches(token));
    }

    [Fact]
    public void Nothing_matches_before_a_token_is_issued()
    {
        Assert.False(new FirstOwnerSetup().Matches(""));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/setup?token=abc")]
    [InlineData("http://0.0.0.0:5000", "http://localhost:5000/setup?token=abc")]
    [InlineData("http://[::]:8080", "http://localhost:8080/setup?token=abc")]
    [InlineData("http://+:80", "http://localhost:80/setup?token=abc")]
    [InlineData("https://moralgraph.example.org:443", "https://moralgraph.example.org:443/setup?token=abc")]
    public void The_printed_link_names_an_address_a_browser_can_open(string listening, string link)
    {
        Assert.Equal([link], FirstOwnerSetup.Links([listening], "abc"));
    }

    [Fact]
    public void Without_known_addresses_the_link_is_the_path_and_two_wildcards_on_one_port_print_one_link()
    {
        Assert.Equal(["/setup?token=abc"], FirstOwnerSetup.Links([], "abc"));
        Assert.Equal(["http://localhost:5000/setup?token=abc"], FirstOwnerSetup.Links(["http://0.0.0.0:5000", "http://[::]:5000"], "abc"));
    }
}
