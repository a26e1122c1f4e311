"""One canonical speaker across articles."""

from articles.nlp.speakers import KnownSpeaker, resolve_speaker, speaker_lookup_keys

WANG = KnownSpeaker(1, "Wang Yi", "Chinese Foreign Minister", ())
QIN = KnownSpeaker(2, "Qin Gang", "new Chinese Foreign Minister", ())
JOE = KnownSpeaker(3, "Joe Biden", "U.S. President", ())
LAVROV = KnownSpeaker(4, "Sergey Lavrov", "Russian Foreign Minister", ("Sergei Lavrov",))
KNOWN = (WANG, QIN, JOE, LAVROV)


def test_the_same_full_name_is_one_speaker_whatever_the_case_accents_and_spacing():
    match = resolve_speaker(name="  wang   YI ", description="", known=KNOWN)
    assert match is not None and match.id == 1 and not match.is_alias
    assert resolve_speaker(name="Wáng Yì", description="", known=KNOWN).id == 1


def test_a_transliteration_with_the_same_role_is_stored_as_an_alias():
    match = resolve_speaker(name="Wang I", description="China's top diplomat", known=KNOWN)
    assert match is not None and match.id == 1 and match.is_alias
    assert "foreign minister" in match.evidence and "1 letter" in match.evidence
    assert resolve_speaker(name="Qin Kang", description="Chinese foreign minister", known=KNOWN).id == 2


def test_a_known_alias_resolves_to_its_speaker():
    match = resolve_speaker(name="Sergei Lavrov", description="", known=KNOWN)
    assert match is not None and match.id == 4 and match.is_alias


def test_a_name_variant_without_the_same_role_is_a_new_speaker():
    assert resolve_speaker(name="Wang I", description="a Chinese official", known=KNOWN) is None
    assert resolve_speaker(name="Wang I", description="Russian foreign minister", known=KNOWN) is None


def test_different_first_names_with_different_roles_never_merge():
    assert resolve_speaker(name="Hunter Biden", description="the president's son", known=KNOWN) is None
    assert resolve_speaker(name="Jill Biden", description="U.S. first lady", known=KNOWN) is None


def test_a_bare_surname_never_merges_two_different_people():
    hunter = KnownSpeaker(5, "Hunter Biden", "businessman", ())
    assert resolve_speaker(name="Biden", description="U.S. President", known=(JOE, hunter)) is None
    assert resolve_speaker(name="Biden", description="a businessman", known=(JOE,)) is None
    assert resolve_speaker(name="Biden", description="the president", known=(JOE,)).id == 3


def test_two_people_in_the_same_role_stay_apart():
    assert resolve_speaker(name="Qin Gang", description="Chinese foreign minister", known=(WANG,)) is None


def test_lookup_keys_are_the_folded_name_parts():
    assert speaker_lookup_keys("Mr. António  Guterres") == ["antonio", "guterres"]
    assert set(speaker_lookup_keys("Wang I")) & set(speaker_lookup_keys("Wang Yi"))
    assert speaker_lookup_keys("   ") == []


def test_one_person_under_several_spellings_is_one_speaker():
    okafor = KnownSpeaker(7, "Adaeze Chioma Okafor", "", ())
    lindqvist = KnownSpeaker(8, "Robert Lindqvist", "", ())
    assert (
        resolve_speaker(name="Adaeze Okafor", description="", known=(okafor,)).id == 7
    )  # middle name left out
    assert resolve_speaker(name="Bob Lindqvist", description="", known=(lindqvist,)).id == 8  # a diminutive
    assert resolve_speaker(name="Róbert Lindqvist", description="", known=(lindqvist,)).id == 8  # accents
    assert resolve_speaker(name="R. Lindqvist", description="", known=(lindqvist,)).id == 8  # an initial


def test_another_given_name_with_the_same_surname_is_another_person():
    okafor = KnownSpeaker(7, "Adaeze Chioma Okafor", "", ())
    assert resolve_speaker(name="Emeka Okafor", description="", known=(okafor,)) is None
    assert resolve_speaker(name="Adaeze Nwosu Okafor", description="", known=(okafor,)) is None
