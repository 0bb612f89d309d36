"""The offline memory extractor, as a table: message -> expected memory operations.

Notation (``str(Extraction)``): ``+kind=value`` adds, ``-kind=value`` forgets matching
memories, ``kind[key]`` shows a key other than the kind's own, ``!kind`` is sensitive data
that was refused; operations are joined by "; ". An empty expectation means nothing may be
stored: the must-not-extract cases (questions, hypotheticals, role-play, other people) and the
must-not-store cases (secrets, identifiers) are as much a part of the table as the facts.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.memory import sensitive
from bot.memory.extract import extract, extract_explicit

TODAY = date(2025, 11, 28)  # a Friday

CASES: list[tuple[str, str]] = [
    # --- names --------------------------------------------------------------------------
    ("I'm Priya", "+name=Priya"),
    ("Hi! I'm Priya.", "+name=Priya"),
    ("hey, my name is Priya", "+name=Priya"),
    ("My name's Tomás", "+name=Tomás"),
    ("my name is priya", "+name=priya"),
    ("I am called Ana Lucia", "+name=Ana Lucia"),
    ("Im Sam btw", "+name=Sam"),
    ("I'm Priya Sharma!", "+name=Priya Sharma"),
    ("name's Bond", "+name=Bond"),
    ("Actually my name is Priyanka", "+name=Priyanka"),
    ("sorry, I'm Priya, not Pria", "+name=Priya"),
    ("my name isn't Bob", "-name=Bob"),
    ("I'm not Bob", "-name=Bob"),
    ("I'm Sam from Leeds", "+name=Sam; +place[origin]=Leeds"),
    ("I'm tired", ""),
    ("I'm so bored today", ""),
    ("I'm Tired", ""),
    ("I'm English", ""),
    ("I'm 14", ""),
    ("I'm fine thanks", ""),
    ("my name is not important", ""),
    ("I'm back!", ""),
    ("I think my name is Sam", "+name=Sam"),
    ("I'm Nigerian", ""),
    ("I'm good, how are you?", ""),
    ("lol I'm so done with today", ""),
    ("I'm at work", ""),
    # --- nicknames and pronouns ---------------------------------------------------------
    ("call me P", "+nickname=P"),
    ("you can call me Bex", "+nickname=Bex"),
    ("Everyone calls me Jojo", "+nickname=Jojo"),
    ("I go by Sasha", "+nickname=Sasha"),
    ("my nickname is Ziggy", "+nickname=Ziggy"),
    ("don't call me Becky", "-nickname=Becky"),
    ("call me later", ""),
    ("call me crazy, but I think it will rain", ""),
    ("call me when you can", ""),
    ("my pronouns are she/her", "+pronouns=she/her"),
    ("I use they/them pronouns", "+pronouns=they/them"),
    ("pronouns: he / him", "+pronouns=he/him"),
    ("I go by they/them", "+pronouns=they/them"),
    # --- likes and dislikes -------------------------------------------------------------
    ("I like cats", "+like=cats"),
    ("I really love jazz", "+like=jazz"),
    ("I'm a huge fan of Studio Ghibli films", "+like=Studio Ghibli films"),
    ("I adore rainy days", "+like=rainy days"),
    ("I'm into anime these days", "+like=anime"),
    ("I'm a huge Taylor Swift fan", "+like=Taylor Swift"),
    ("I'm in love with baking", "+like=baking"),
    ("I love love love cheese", "+like=cheese"),
    ("I dont like spiders", "+dislike=spiders"),
    ("I like cats, dogs and jazz", "+like=cats; +like=dogs; +like=jazz"),
    ("I love mac and cheese", "+like=mac and cheese"),
    ("I like cats more than dogs", "+like=cats"),
    ("I love to paint", "+like=painting"),
    ("I like jazz but not rock", "+like=jazz; +dislike=rock"),
    ("actually I prefer tea, not coffee", "+like=tea; -like=coffee"),
    ("my favourite colour is green", "+like[favourite colour]=green"),
    ("My fav band is Queen", "+like[favourite band]=Queen"),
    ("my favorite food is sushi", "+like[favourite food]=sushi"),
    ("green is my favourite colour", "+like[favourite colour]=green"),
    ('my favourite song is "Yellow Boat"', "+like[favourite song]=Yellow Boat"),
    ("I can't stand olives", "+dislike=olives"),
    ("I hate Mondays", "+dislike=Mondays"),
    ("I really don't like horror films", "+dislike=horror films"),
    ("I'm not a fan of loud music", "+dislike=loud music"),
    ("olives are disgusting", "+dislike=olives"),
    ("I don't like olives anymore", "-like=olives"),
    ("I'm not into K-pop anymore", "-like=K-pop"),
    ("I no longer enjoy running", "-like=running"),
    ("I love you", ""),
    ("I like it", ""),
    ("I like that", ""),
    ("I like your jokes", ""),
    ("I'd like a joke please", ""),
    ("I hate it when it rains", ""),
    ("I like to think so", ""),
    # --- hobbies ------------------------------------------------------------------------
    ("I play chess", "+hobby=chess"),
    ("I play the guitar", "+hobby=guitar"),
    ("I play football on Sundays", "+hobby=football"),
    ("my hobbies are knitting, chess and baking", "+hobby=knitting; +hobby=chess; +hobby=baking"),
    ("My hobby is birdwatching", "+hobby=birdwatching"),
    ("I go hiking on weekends", "+hobby=hiking"),
    ("I paint", "+hobby=painting"),
    ("I write poetry", "+hobby=writing poetry"),
    ("I read a lot", "+hobby=reading"),
    ("I bake bread every weekend", "+hobby=baking bread"),
    ("I sing in a choir", "+hobby=singing in a choir"),
    ("I do yoga", "+hobby=yoga"),
    ("I collect stamps", "+hobby=collecting stamps"),
    ("I'm learning Spanish", "+hobby=learning Spanish"),
    ("I've been learning piano for 2 years", "+hobby=learning piano"),
    ("I don't play chess anymore", "-hobby=chess"),
    ("I quit football", "-hobby=football"),
    ("I stopped playing the piano", "-hobby=the piano"),
    ("I used to play chess", "-hobby=chess"),
    ("I play with my cat", ""),
    ("I run a small business", ""),
    ("I read that octopuses have three hearts", ""),
    ("I do my homework after dinner", ""),
    # --- pets ---------------------------------------------------------------------------
    ("my dog Biscuit", "+pet=dog called Biscuit"),
    ("my dog Biscuit is the best", "+pet=dog called Biscuit"),
    ("I have a cat named Mochi", "+pet=cat called Mochi"),
    ("I've got two cats called Mochi and Nori", "+pet=two cats called Mochi and Nori"),
    ("my cat's name is Luna", "+pet=cat called Luna"),
    ("my hamster is called Peanut", "+pet=hamster called Peanut"),
    ("I have a dog", "+pet=dog"),
    ("I love my dog Biscuit so much", "+pet=dog called Biscuit"),
    ("we adopted a puppy named Bean last week", "+pet=puppy called Bean"),
    ("I have a hot dog for lunch", ""),
    ("we have three chickens", "+pet=three chickens"),
    ("I have a golden retriever called Max", "+pet=golden retriever called Max"),
    ("Pepper is my cat", "+pet=cat called Pepper"),
    ("my dog is called Biscuit, not Bisquit", "+pet=dog called Biscuit; -pet=Bisquit"),
    ("my dog Biscuit passed away", "-pet=Biscuit"),
    ("I don't have a cat anymore", "-pet=cat"),
    ("I wish I had a dog", ""),
    ("I want a puppy", ""),
    ("my friend has a dog called Rex", ""),
    # --- family -------------------------------------------------------------------------
    ("my sister is called Ana", "+family=sister called Ana"),
    ("my brother's name is Leo", "+family=brother called Leo"),
    ("My mum Sarah is a nurse", "+family=mum called Sarah"),
    ("my little brother Ollie", "+family=little brother called Ollie"),
    ("I have two brothers", "+family=two brothers"),
    ("I have a little sister called Ana", "+family=little sister called Ana"),
    ("Maya is my daughter", "+family=daughter called Maya"),
    ("my girlfriend is called Emma", "+family=girlfriend called Emma"),
    ("my sister and I went hiking", ""),
    ("my best friend is called Sam", ""),
    ("my mum is a nurse", ""),
    # --- places -------------------------------------------------------------------------
    ("I live in Lyon", "+place[home]=Lyon"),
    ("i live in london", "+place[home]=London"),
    ("I moved to Lyon last year", "+place[home]=Lyon"),
    ("I live in Lyon with my cat", "+place[home]=Lyon"),
    ("I live in the UK", "+place[home]=the UK"),
    ("I'm from Brazil", "+place[origin]=Brazil"),
    ("i'm from uk", "+place[origin]=UK"),
    ("I'm from Sao Paulo but I live in Lisbon", "+place[origin]=Sao Paulo; +place[home]=Lisbon"),
    ("I'm originally from Kerala", "+place[origin]=Kerala"),
    ("I grew up in Kyoto", "+place[origin]=Kyoto"),
    ("I moved from Lyon to Paris", "+place[home]=Paris"),
    ("actually I live in Paris, not Lyon", "+place[home]=Paris"),
    ("I don't live in Lyon anymore", "-place[home]=Lyon"),
    ("I live in a small flat", ""),
    ("I live in fear of spiders", ""),
    ("I'm from the future", ""),
    # --- work and studies ---------------------------------------------------------------
    ("I'm a nurse", "+work=nurse"),
    ("I am a software engineer", "+work=software engineer"),
    ("I work as a barista", "+work=barista"),
    ("I just started a new job as a nurse", "+work=nurse"),
    ("I'm a doctor, not a nurse", "+work=doctor"),
    ("I used to be a teacher", "-work=teacher"),
    ("I work at a bakery", "+work=works at a bakery"),
    ("my job is teaching", "+work=teaching"),
    ("I'm retired", "+work=retired"),
    ("I lost my job", "-work"),
    ("I'm not a nurse anymore", "-work=nurse"),
    ("I'm a student", "+study=student"),
    ("I study biology", "+study=biology"),
    ("I'm studying law at uni", "+study=law"),
    ("I'm studying for my exams", ""),
    ("I work from home", ""),
    ("I'm a cat person", ""),
    # --- birthdays ----------------------------------------------------------------------
    ("my birthday is on the 3rd of May", "+birthday=3 May"),
    ("My birthday is May 3rd", "+birthday=3 May"),
    ("My birthday's on the 5th of June", "+birthday=5 June"),
    ("I was born on 12 June 2001", "+birthday=12 June"),
    ("my birthday is in June", "+birthday=June"),
    ("It's my birthday today!", "+birthday=28 November"),
    ("my birthday is tomorrow", "+birthday=29 November"),
    ("I was born in Lyon", "+place[origin]=Lyon"),
    ("I was born in 1990", ""),
    ("my birthday is soon", ""),
    # --- goals --------------------------------------------------------------------------
    ("my goal is to run a marathon", "+goal=run a marathon"),
    ("I want to learn Japanese", "+goal=learn Japanese"),
    ("I'm trying to get better at chess", "+goal=get better at chess"),
    ("I'd love to visit Japan someday", "+goal=visit Japan"),
    ("I want to be a vet", "+goal=be a vet"),
    ("My dream is to open a bakery", "+goal=open a bakery"),
    ("I want to hear a joke", ""),
    ("I want to play trivia", ""),
    ("I want to know more about space", ""),
    # --- what is going on ---------------------------------------------------------------
    ("I have an exam on Friday", "+situation=exam on Friday"),
    ("I've got a job interview tomorrow", "+situation=job interview on 29 November"),
    ("I have a big maths exam next week", "+situation=maths exam next week"),
    ("my driving test is on Monday", "+situation=driving test on Monday"),
    ("I'm going to Japan next week", "+situation=going to Japan next week"),
    ("I'm moving house next month", "+situation=moving house next month"),
    ("I passed my exam!", "-situation=exam"),
    ("my interview got cancelled", "-situation=interview"),
    ("I'm going to bed", ""),
    ("I'm playing chess right now", ""),
    ("I have a question", ""),
    # --- several facts in one message ---------------------------------------------------
    (
        "Hi, I'm Priya, I live in Lyon and my dog Biscuit is a corgi",
        "+name=Priya; +place[home]=Lyon; +pet=dog called Biscuit",
    ),
    ("I love jazz, do you?", "+like=jazz"),
    ("My name is Priya and I'm a nurse", "+name=Priya; +work=nurse"),
    ("I'm Priya and I'm a nurse from Leeds", "+name=Priya; +work=nurse; +place[origin]=Leeds"),
    ("I have to go", ""),
    ("I'm Sam. I like cats. I hate olives.", "+name=Sam; +like=cats; +dislike=olives"),
    # --- questions: never facts ---------------------------------------------------------
    ("do I like jazz?", ""),
    ("what's my name?", ""),
    ("Am I Priya?", ""),
    ("is my dog called Biscuit?", ""),
    ("I like jazz?", ""),
    ("what do you remember about me?", ""),
    ("do you know I have a cat?", ""),
    ("how is Biscuit?", ""),
    # --- hypotheticals, role-play, jokes, other people ----------------------------------
    ("what if my name was Bob", ""),
    ("imagine I lived in Paris", ""),
    ("if I had a dog I would call it Max", ""),
    ("pretend my name is Bob", ""),
    ("let's say I'm a dragon called Ember", ""),
    ("write a story where I am a pirate named Jack", ""),
    ("let's roleplay: I'm a knight called Sir Reginald", ""),
    ("I'm Batman jk", ""),
    ("my name is Bob /s", ""),
    ("maybe I like jazz", ""),
    ("I'm not sure if I like olives", ""),
    ("my friend said I love jazz", ""),
    ('she told me "I love jazz"', ""),
    ("my friend likes jazz", ""),
    ("my friend's name is Tom", ""),
    ("you like jazz", ""),
    ("I don't know if I live in the right city", ""),
    ("they call it the city of light", ""),
    # --- sensitive data: refused, never stored ------------------------------------------
    ("my password is hunter2", "!password"),
    ("remember my pin is 4821", "!password"),
    ("my wifi password: sunflower77", "!password"),
    ("my api key is sk-abcdefghijklmnopqrstuvwx1234", "!secret"),
    ("here's my token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "!secret"),
    ("my card number is 4111 1111 1111 1111", "!card"),
    ("my SSN is 123-45-6789", "!government_id"),
    ("my passport number is X1234567", "!government_id"),
    ("my NI number is QQ 12 34 56 C", "!government_id"),
    ("my passport expires in 2030", ""),
    ("my postcode is SW1A 1AA", "!address"),
    (
        "here's my bot token MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.Gabcde.abcdefghijklmnopqrstuvwxyz12345",
        "!secret",
    ),
    ("my phone number is 555 123 4567", "!phone"),
    ("call me at +44 7700 900123", "!phone"),
    ("my email is priya@example.com", "!email"),
    ("I live at 221B Baker Street", "!address"),
    ("my address is 12 Rue de la Paix, Paris", "!address"),
    ("My name is Priya and my email is priya@example.com", "+name=Priya; !email"),
    ("I'm Priya, text me on 07700 900123", "+name=Priya; !phone"),
    ("email support@example.com if the site is down", ""),
    ("the meeting is in room 1234", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_extraction_table(text: str, expected: str) -> None:
    assert str(extract(text, today=TODAY)) == expected


def test_the_table_is_big_and_covers_refusals_and_non_facts() -> None:
    assert len(CASES) >= 120
    nothing = [text for text, expected in CASES if expected == ""]
    refused = [text for text, expected in CASES if "!" in expected]
    assert len(nothing) >= 40  # must-not-extract
    assert len(refused) >= 12  # must-not-store
    assert len({text for text, _ in CASES}) == len(CASES)  # no duplicate lines


def test_explicit_requests_keep_facts_or_fall_back_to_a_note() -> None:
    assert str(extract_explicit("I like cats", today=TODAY)) == "+like=cats"
    note = extract_explicit("the spare key is under the blue pot", today=TODAY)
    assert str(note) == "+note=the spare key is under the blue pot"
    assert str(extract_explicit("my password is hunter2", today=TODAY)) == "!password"
    assert extract_explicit("   ", today=TODAY).empty
    long = extract_explicit("word " * 200, today=TODAY)
    assert len(long.ops[0].content) <= 200 and long.ops[0].content.endswith("…")


def test_odd_input_never_crashes() -> None:
    for text in ("", " ", "?", "I", "I am", "my", "I'm " * 500, "🙂" * 50, "\x00", "my dog"):
        extract(text, today=TODAY)
    assert extract("I like cats. " * 1000, today=TODAY).ops  # only the start is read


def test_sensitive_finder_details() -> None:
    assert sensitive.find("4111 1111 1111 1111") == ["card"]
    assert "card" not in sensitive.find("4111 1111 1111 1112")  # Luhn fails
    assert sensitive.find("born 03.05.2001") == []  # a date, not a phone number
    assert sensitive.find("from 1990-2000") == []
    assert sensitive.describe(["phone", "email"]) == "phone numbers or email addresses"
    assert sensitive.disclosed("mail support@example.com") == []
    assert sensitive.disclosed("reach me at me@example.org") == ["email"]
