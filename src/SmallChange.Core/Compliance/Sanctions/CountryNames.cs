using System.Collections.Frozen;
using SmallChange.Core.Destinations;

namespace SmallChange.Core.Compliance.Sanctions;

/// <summary>
/// English country names as sanctions lists and people write them (ISO short names, UN and OFAC forms, common
/// variants) mapped to ISO 3166-1 alpha-2 codes. <see cref="ToCode"/> also accepts a code.
/// </summary>
public static class CountryNames
{
    // code|name|variant|… ; names are matched after NameNormalizer.Key (lower case, no punctuation or diacritics).
    private const string Data =
        "AF|Afghanistan;AL|Albania;DZ|Algeria;AS|American Samoa;AD|Andorra;AO|Angola;AI|Anguilla;AQ|Antarctica;" +
        "AG|Antigua and Barbuda;AR|Argentina;AM|Armenia;AW|Aruba;AU|Australia;AT|Austria;AZ|Azerbaijan;" +
        "BS|Bahamas|Bahamas, The|The Bahamas;BH|Bahrain;BD|Bangladesh;BB|Barbados;BY|Belarus;BE|Belgium;BZ|Belize;BJ|Benin;" +
        "BM|Bermuda;BT|Bhutan;BO|Bolivia|Bolivia (Plurinational State of)|Plurinational State of Bolivia;" +
        "BQ|Bonaire, Sint Eustatius and Saba;BA|Bosnia and Herzegovina|Bosnia-Herzegovina;BW|Botswana;BV|Bouvet Island;" +
        "BR|Brazil;IO|British Indian Ocean Territory;VG|British Virgin Islands|Virgin Islands, British|Virgin Islands (British);" +
        "BN|Brunei|Brunei Darussalam;BG|Bulgaria;BF|Burkina Faso;BI|Burundi;CV|Cabo Verde|Cape Verde;KH|Cambodia;" +
        "CM|Cameroon;CA|Canada;KY|Cayman Islands;CF|Central African Republic;TD|Chad;CL|Chile;CN|China|People's Republic of China;" +
        "CX|Christmas Island;CC|Cocos (Keeling) Islands;CO|Colombia;KM|Comoros;CG|Congo|Congo, Republic of the|Republic of the Congo|Congo-Brazzaville;" +
        "CD|Democratic Republic of the Congo|Congo, Democratic Republic of the|Congo, The Democratic Republic of the|DR Congo|DRC|Zaire|Congo-Kinshasa;" +
        "CK|Cook Islands;CR|Costa Rica;CI|Cote d'Ivoire|Côte d'Ivoire|Cote d Ivoire|Ivory Coast;HR|Croatia;CU|Cuba;CW|Curacao|Curaçao;" +
        "CY|Cyprus;CZ|Czechia|Czech Republic;DK|Denmark;DJ|Djibouti;DM|Dominica;DO|Dominican Republic;EC|Ecuador;EG|Egypt;" +
        "SV|El Salvador;GQ|Equatorial Guinea;ER|Eritrea;EE|Estonia;SZ|Eswatini|Swaziland;ET|Ethiopia;FK|Falkland Islands;" +
        "FO|Faroe Islands;FJ|Fiji;FI|Finland;FR|France;GF|French Guiana;PF|French Polynesia;TF|French Southern Territories;" +
        "GA|Gabon;GM|Gambia|The Gambia|Gambia, The;GE|Georgia;DE|Germany;GH|Ghana;GI|Gibraltar;GR|Greece;GL|Greenland;" +
        "GD|Grenada;GP|Guadeloupe;GU|Guam;GT|Guatemala;GG|Guernsey;GN|Guinea;GW|Guinea-Bissau;GY|Guyana;HT|Haiti;" +
        "HM|Heard Island and McDonald Islands;VA|Holy See|Vatican|Vatican City;HN|Honduras;" +
        "HK|Hong Kong|China, Hong Kong Special Administrative Region|Hong Kong SAR;HU|Hungary;IS|Iceland;IN|India;" +
        "ID|Indonesia;IR|Iran|Iran (Islamic Republic of)|Islamic Republic of Iran;IQ|Iraq;IE|Ireland;IM|Isle of Man;IL|Israel;" +
        "IT|Italy;JM|Jamaica;JP|Japan;JE|Jersey;JO|Jordan;KZ|Kazakhstan;KE|Kenya;KI|Kiribati;" +
        "KP|North Korea|Korea, North|Democratic People's Republic of Korea|Korea, Democratic People's Republic of|DPRK;" +
        "KR|South Korea|Korea, South|Republic of Korea|Korea, Republic of|Korea;KW|Kuwait;KG|Kyrgyzstan|Kyrgyz Republic;" +
        "LA|Laos|Lao People's Democratic Republic;LV|Latvia;LB|Lebanon;LS|Lesotho;LR|Liberia;LY|Libya|Libyan Arab Jamahiriya;" +
        "LI|Liechtenstein;LT|Lithuania;LU|Luxembourg;MO|Macau|Macao|China, Macao Special Administrative Region;MG|Madagascar;" +
        "MW|Malawi;MY|Malaysia;MV|Maldives;ML|Mali;MT|Malta;MH|Marshall Islands;MQ|Martinique;MR|Mauritania;MU|Mauritius;" +
        "YT|Mayotte;MX|Mexico;FM|Micronesia|Micronesia (Federated States of)|Micronesia, Federated States of;" +
        "MD|Moldova|Republic of Moldova|Moldova, Republic of;MC|Monaco;MN|Mongolia;ME|Montenegro;MS|Montserrat;MA|Morocco;" +
        "MZ|Mozambique;MM|Myanmar|Burma;NA|Namibia;NR|Nauru;NP|Nepal;NL|Netherlands|The Netherlands|Holland;NC|New Caledonia;" +
        "NZ|New Zealand;NI|Nicaragua;NE|Niger;NG|Nigeria;NU|Niue;NF|Norfolk Island;" +
        "MK|North Macedonia|Macedonia|Macedonia, The Former Yugoslav Republic of|The former Yugoslav Republic of Macedonia;" +
        "MP|Northern Mariana Islands;NO|Norway;OM|Oman;PK|Pakistan;PW|Palau;" +
        "PS|Palestine|State of Palestine|Palestinian|Palestinian Territories|West Bank|Gaza|Region: Gaza|West Bank and Gaza;" +
        "PA|Panama;PG|Papua New Guinea;PY|Paraguay;PE|Peru;PH|Philippines;PN|Pitcairn;PL|Poland;PT|Portugal;PR|Puerto Rico;" +
        "QA|Qatar;RE|Reunion|Réunion;RO|Romania;RU|Russia|Russian Federation;RW|Rwanda;BL|Saint Barthelemy;" +
        "SH|Saint Helena;KN|Saint Kitts and Nevis;LC|Saint Lucia;MF|Saint Martin;PM|Saint Pierre and Miquelon;" +
        "VC|Saint Vincent and the Grenadines;WS|Samoa;SM|San Marino;ST|Sao Tome and Principe;SA|Saudi Arabia;SN|Senegal;" +
        "RS|Serbia;SC|Seychelles;SL|Sierra Leone;SG|Singapore;SX|Sint Maarten;SK|Slovakia;SI|Slovenia;SB|Solomon Islands;" +
        "SO|Somalia;ZA|South Africa;GS|South Georgia and the South Sandwich Islands;SS|South Sudan;ES|Spain;LK|Sri Lanka;" +
        "SD|Sudan;SR|Suriname;SJ|Svalbard and Jan Mayen;SE|Sweden;CH|Switzerland;SY|Syria|Syrian Arab Republic;" +
        "TW|Taiwan|Taiwan, Province of China;TJ|Tajikistan;TZ|Tanzania|United Republic of Tanzania|Tanzania, United Republic of;" +
        "TH|Thailand;TL|Timor-Leste|East Timor;TG|Togo;TK|Tokelau;TO|Tonga;TT|Trinidad and Tobago;TN|Tunisia;" +
        "TR|Turkey|Türkiye|Turkiye;TM|Turkmenistan;TC|Turks and Caicos Islands;TV|Tuvalu;UG|Uganda;UA|Ukraine|Region: Crimea|Crimea;" +
        "AE|United Arab Emirates|UAE;GB|United Kingdom|United Kingdom of Great Britain and Northern Ireland|Great Britain|UK|England|Scotland|Wales;" +
        "US|United States|United States of America|USA;UM|United States Minor Outlying Islands;UY|Uruguay;UZ|Uzbekistan;" +
        "VU|Vanuatu;VE|Venezuela|Venezuela (Bolivarian Republic of)|Bolivarian Republic of Venezuela;VN|Viet Nam|Vietnam;" +
        "VI|Virgin Islands, U.S.|US Virgin Islands;WF|Wallis and Futuna;EH|Western Sahara;YE|Yemen;ZM|Zambia;ZW|Zimbabwe;" +
        "AX|Aland Islands;XK|Kosovo;AN|Netherlands Antilles";

    private static readonly FrozenDictionary<string, string> ByName = Build();

    /// <summary>
    /// The upper-case ISO alpha-2 code for a country name or code (<c>Iran (Islamic Republic of)</c> → <c>IR</c>,
    /// <c>kp</c> → <c>KP</c>), or null when the text names no country this table knows.
    /// </summary>
    public static string? ToCode(string? nameOrCode)
    {
        if (string.IsNullOrWhiteSpace(nameOrCode))
        {
            return null;
        }

        var t = nameOrCode.Trim();
        if (t.Length == 2 && char.IsAsciiLetter(t[0]) && char.IsAsciiLetter(t[1]))
        {
            var code = t.ToUpperInvariant();
            return CountryCodes.All.Contains(code) ? code : null;
        }

        return ByName.TryGetValue(NameNormalizer.Key(t), out var c) ? c : null;
    }

    private static FrozenDictionary<string, string> Build()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in Data.Split(';'))
        {
            var parts = row.Split('|');
            foreach (var name in parts.Skip(1))
            {
                d[NameNormalizer.Key(name)] = parts[0];
            }
        }

        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
