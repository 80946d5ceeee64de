using Shuqiao.Core.Credentials;

namespace Shuqiao.Core.Tests.Credentials;

/// <summary>公民身份号码 (GB 11643) with python-stdnum's cn.ric examples (values only, shared/vectors/cn-ids).</summary>
public sealed class ResidentIdTests
{
    [Theory]
    [InlineData("360426199101010071")]
    [InlineData("44011320141005001X")]
    public void Valid_numbers_pass(string id) => Assert.Equal(ResidentIdError.None, ResidentId.Check(id));

    [Theory]
    [InlineData("T60426199101010078", ResidentIdError.Format)]
    [InlineData("360426199113010079", ResidentIdError.BirthDate)]
    [InlineData("36042619910102009X", ResidentIdError.Checksum)]
    [InlineData("", ResidentIdError.Required)]
    public void Invalid_numbers_say_why(string id, ResidentIdError expected) => Assert.Equal(expected, ResidentId.Check(id));

    [Fact]
    public void Completing_gives_the_gb_11643_check_character_and_lower_case_x_is_normalized()
    {
        Assert.Equal("44011320141005001X", ResidentId.Complete("44011320141005001"));
        Assert.Equal("44011320141005001X", ResidentId.Normalize(" 44011320141005001x "));
        Assert.Equal("440113********001X", ResidentId.Mask("44011320141005001X"));
    }
}
