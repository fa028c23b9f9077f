"""English phrase banks: per sector the product, the customers and their pain;
per answer section a few sentences with slots, combined by `texts`."""

from startups.enums import Sector

SECTORS = {
    Sector.INDUSTRY_40: (
        "a retrofit kit that brings old machine tools onto one monitoring screen",
        "mid-sized plants and repair workshops",
        "unplanned stops of ageing equipment eat a tenth of working hours",
    ),
    Sector.NEW_MATERIALS: (
        "a basalt-fibre reinforcement made from local rock",
        "road builders and precast concrete plants",
        "imported steel rebar rusts fast in saline soils and doubles repair costs",
    ),
    Sector.FINTECH: (
        "a mobile cash register and bookkeeping app for market traders",
        "small shops and individual entrepreneurs",
        "sole traders lose days every quarter on paperwork and tax filings",
    ),
    Sector.SMART_CITY: (
        "a live passenger-count service for city buses",
        "city transport operators and akimats",
        "buses run half empty at noon and overcrowded at rush hour",
    ),
    Sector.AGRITECH: (
        "cold-chain sensors and a marketplace for fresh produce",
        "small and mid-sized farms",
        "up to a third of the harvest spoils before it reaches a buyer",
    ),
    Sector.EDTECH: (
        "an adaptive maths course for rural schools in Kazakh and Russian",
        "schools, parents and regional education departments",
        "rural pupils score well below city pupils in national tests",
    ),
    Sector.HEALTHTECH: (
        "a screening tool that reads retinal photos for diabetic changes",
        "polyclinics and district hospitals",
        "patients wait months for an ophthalmologist outside the big cities",
    ),
    Sector.GREENTECH: (
        "a solar-plus-battery kit for remote pastures and farmsteads",
        "livestock farmers off the grid",
        "diesel generators cost farmers more than their feed in winter",
    ),
    Sector.AI: (
        "a speech-recognition engine for Kazakh call centres",
        "banks, telecom operators and public service centres",
        "operators transcribe calls by hand because no tool understands mixed Kazakh and Russian",
    ),
    Sector.OTHER: (
        "an online booking platform for regional tourism",
        "guest houses and tour guides",
        "travellers cannot find or pay for stays outside the main cities",
    ),
}

DESCRIPTION = [
    "{name} builds {product} for {customers} {place}.",
    "{name}: {product}. Our first customers are {customers} {place}.",
]

SECTIONS = {
    "problem": [
        "Today {pain}.",
        "We interviewed {interviews} {customers} {place}; most named the same problem.",
        "Existing solutions are imported, priced in dollars and not adapted to local practice.",
        "Nobody measures the losses, so nobody plans for them.",
    ],
    "solution": [
        "We offer {product}.",
        "It works offline and syncs when a connection is available.",
        "Set-up takes under an hour and needs no IT staff on the customer's side.",
        "The interface is in Kazakh, Russian and English.",
    ],
    "market": [
        "There are about {market} potential customers in Kazakhstan alone.",
        "We start {place} and then go to Uzbekistan and Kyrgyzstan, where conditions are similar.",
        "The segment grows by roughly {growth}% a year.",
        "Our nearest competitor serves only large corporate clients.",
    ],
    "business_model": [
        "Customers pay a monthly subscription; hardware is sold at cost.",
        "We charge a commission on each transaction and offer a free starter plan.",
        "Regional akimats and large buyers can license the platform for a year.",
        "Payback of a customer's first year is under {months} months.",
    ],
    "traction": [
        "We ran {pilots} pilots and {paying} customers now pay us.",
        "Revenue over the last twelve months was {revenue} million tenge.",
        "{users} people use the product every week.",
        "We won a regional accelerator and signed a memorandum with a national company.",
    ],
    "team": [
        "A team of {team}: the founders met at university and have worked together for {years} "
        "years.",
        "Our CTO built similar systems for a bank; our CEO spent ten years in the industry.",
        "We have an advisor from the sector association and a part-time lawyer.",
    ],
    "use_of_funds": [
        "Of the {amount} million tenge requested, half goes to production and half to sales.",
        "We will hire two engineers and a sales manager.",
        "Part of the grant pays for certification and the first batch of devices.",
        "We will open a second office and reach {target} customers within a year.",
    ],
}

REVIEW_NOTES = [
    "Strong team, but the market size is not backed by data.",
    "The pilot results are convincing; the budget needs detail.",
    "Interesting technology, early for a grant of this size.",
    "Clear problem and paying customers; recommend funding.",
    "Similar projects were funded before; what is new here is not clear.",
]

MILESTONES = ["Agreement signed", "MVP in use", "First sales"]


# What a reviewer writes for the team (shared when the program chooses).
TEAM_COMMENTS = [
    "Show evidence of demand beyond your pilot customers: letters of intent or paid orders.",
    "The solution is clear; explain how you will reach customers outside your home region.",
    "Break the budget down by milestone so that each tranche is tied to a result.",
    "A strong team; add someone with sales experience in your sector.",
    "Compare your product with the existing alternatives and say why customers would switch.",
]
