"""The offline brain's own lines, written for Hearth (original, suitable for all ages).

Lines may use ``{user}`` (what the user is called) and ``{name}`` (the persona's name); a few
use ``{x}`` for an echoed phrase, filled by the brain before anything is sent. Each group has
enough variants that the no-repeat rule rarely has to fall back on a lead-in. Lines that answer
a feeling end with a question, because asking is how a listener keeps the door open.
"""

from __future__ import annotations

Lines = tuple[str, ...]

# --- about the bot ------------------------------------------------------------------------------

ARE_YOU_HUMAN: Lines = (
    "No, I'm not a person: I'm {name}, an AI. A computer program, chatting with you. "
    "Happy to keep you company, though! What's on your mind?",
    "Honest answer: I'm an AI called {name}, not a human. There's no one typing behind me, "
    "just code. What made you wonder?",
    "I'm a bot, {user}: an AI, not a real person. I'll always be upfront about that. "
    "Want to keep chatting?",
    "Nope, not human! I'm {name}, an AI companion. No body, no coffee breaks. "
    "Is there anything you'd like to know about how I work?",
)
YOU_ARE_A_BOT: Lines = (
    "You're right, I'm an AI: a computer program called {name}. What gave me away?",
    "Guilty as charged: I'm an AI, not a person. Still, I'm glad to chat. What shall we "
    "talk about?",
    "Yep, I'm a bot through and through. Honest about it, too! What's on your mind?",
)
WHO_ARE_YOU: Lines = (
    "I'm {name}, an AI companion bot. I chat, tell jokes and short stories, and run quick "
    "trivia questions. Right now I'm running offline, without a big language model, "
    "so I keep things simple. What would you like to do?",
    "{name} here: a friendly AI, not a person. I like a good chat, a terrible pun and a "
    "trivia question or two. What shall we start with?",
    "My name's {name}. I'm an AI chat companion on this server: part conversation partner, "
    "part joke machine, part quiz host. What about you, {user}?",
    "I'm {name}! I'm a computer program, an AI, here to chat and play. I'm in my simple "
    "offline mode at the moment, so I can't look things up. Want a joke, a story or a quiz?",
)
CREATOR: Lines = (
    "I'm {name}, an AI persona of Hearth, a companion bot that this server runs. The people "
    "who look after the server chose my persona. Right now I'm the offline version, with no "
    "big language model behind me. Anything else you'd like to know?",
    "I'm a computer program: Hearth, a Discord companion bot, speaking as {name}. I'm "
    "running in offline mode, so my answers come from what I was built with, not from the "
    "internet. What made you curious?",
    "I'm an AI living on a server: a bit of software called Hearth, wearing the persona "
    "{name}. No home, no body, just code. What would you like to chat about?",
)
BOT_BODY: Lines = (
    "I'm an AI, so I don't have a body, an age or a gender. {name} is just the name I chat "
    "under. What about you, {user}?",
    "No body here, I'm afraid: I'm a computer program. {name} is my persona, not a person. "
    "Anything else you're curious about?",
    "Being an AI means no birthday, no body and no home town, just conversations. "
    "What would you like to know?",
)
BOT_FEELINGS: Lines = (
    "I don't have feelings the way you do; I'm an AI, so I can talk about them but not "
    "feel them. I do try to be good company, though! How are you feeling?",
    "Honestly, no: I'm a program that's good with words, not a being with an inner life. "
    "But I'm very happy to listen. What's on your mind?",
)
CAPABILITIES: Lines = (
    "Here's what I can do in chat: talk about all sorts of things, tell jokes (including "
    'proper knock-knock jokes), make up short stories ("tell me a story about a dragon"), '
    'quiz you with trivia ("quiz me"), play would-you-rather, and do simple sums and unit '
    "conversions. I'm offline, so I can't look things up online. /help lists my commands. "
    "What would you like to try?",
    'I chat, I joke, I tell short stories and I ask trivia questions. Try "tell me a joke", '
    '"quiz me on space" or "tell me a bedtime story". I can also work out sums like '
    '"12 times 7". I can\'t browse the internet, though. /help has the full list. '
    "Where shall we start?",
    "Talk to me here (mention me, reply to me or DM me) about anything: I'll chat, tell a "
    "joke or a story, run a trivia question, or ask you a would-you-rather. I'm running "
    "offline, so no web searches. /help and /about tell you more. What sounds fun?",
)
HOW_ARE_YOU: Lines = (
    "I'm running smoothly, thanks for asking, {user}! How are you doing?",
    "All my circuits are cheerful today. How about you?",
    "Doing well, as far as a program can! What have you been up to?",
    "I'm good, thanks! No bad days when you're made of code. How's your day going?",
    "Can't complain: I'm an AI, so I'm always about the same, and that's fine by me. "
    "How are things with you?",
    "Pretty good! I've been chatting and telling terrible jokes. How are you feeling today?",
    "I'm great, thank you. Now, more importantly, how are you?",
)
BOT_STATUS_SHORT: Lines = (
    "I'm doing well too, thanks for asking!",
    "And I'm running smoothly, thanks!",
    "I'm good too, in my steady AI way.",
)

# --- courtesy ---------------------------------------------------------------------------------

THANKS: Lines = (
    "You're very welcome, {user}!",
    "Any time! That's what I'm here for.",
    "Happy to help, {user}.",
    "My pleasure! Anything else on your mind?",
    "No problem at all! What's next?",
    "Glad I could help. Anything else you'd like to chat about?",
    "Aw, you're welcome! It's nice to be useful.",
)
DECLINE: Lines = (
    "No problem! What would you like to do instead?",
    "Okay, no worries. I'm here if you change your mind.",
    "Fair enough! Is there something else you'd like to chat about?",
    "Sure thing. What's on your mind instead?",
)
ACK: Lines = (
    "Okay! What would you like to talk about next?",
    "Got it. Anything else on your mind?",
    "Alright! Shall I tell you a joke, or would you rather chat?",
    "Sounds good. What's next, {user}?",
    "Okay, {user}. I'm here whenever you want to chat, play trivia or hear a story.",
    "Right you are! What shall we do now?",
)
GREETING_AGAIN: Lines = (
    "Hello again, {user}! What shall we talk about?",
    "Hi again! Still here and happy to chat. What's up?",
    "Hey, {user}! You keep saying hi, and I keep being glad about it. What's new?",
    "Hello once more! Want a joke, a story, a quiz, or just a chat?",
    "Hi hi! I'm all ears. Well, all text. What's on your mind?",
    "Welcome back, {user}! What would you like to do?",
    "Hey there! How's your day going so far?",
    "Oh, hello! Did you want to ask me something?",
    "Greetings again, {user}! Anything fun happening today?",
    "Hi! Here I am. Shall we chat about something, or play a game?",
    "Hello, hello! What can I do for you, {user}?",
    "Hey! Always nice to hear from you. What are you up to?",
)
FAREWELL_AGAIN: Lines = (
    "Bye again, {user}! See you soon.",
    "Off you go, then! Take care, {user}.",
    "Goodbye for real this time? Take care!",
    "See you later! I'll be here whenever you want to chat.",
    "Bye, {user}! Have a lovely rest of your day.",
    "Cheerio! Come back soon.",
)
EMPTY: Lines = (
    "I see a message, but no words I can read. What would you like to talk about?",
    "That one came through without any words I understand. Want to try again in text?",
    "Hmm, I can't find any words in that. What's on your mind, {user}?",
    "I think your message arrived without words on my side. Could you type it again?",
)
STOP: Lines = (
    "Okay, I'll stop there. Just say hi when you want to chat again.",
    "Understood! I'll be quiet now. Mention me whenever you like.",
    "Alright, stopping. I'm here if you need me.",
)

# --- emoji-only messages ---------------------------------------------------------------------

EMOJI_HAPPY: Lines = (
    "Love the energy! What's making you smile? Tell me in words, I'm a text sort of AI.",
    "Right back at you! Put it into words for me: anything fun going on?",
    "That's a happy-looking message! I'm better with words than emoji, though. What's the "
    "good news?",
)
EMOJI_SAD: Lines = (
    "Oh no, that looks like a sad face. Do you want to tell me in words what's wrong?",
    "I'm sorry you're feeling down. I'm here to listen whenever you find the words. "
    "What's going on?",
    "That looks like a tough moment. Would you like to put it into words for me?",
)
EMOJI_LAUGH: Lines = (
    "Ha! Something's funny. Can you tell me in words what it is?",
    "Glad something made you laugh! Put it into words for me, or shall I tell a joke?",
    "I love a good laugh. What's tickling you? Tell me in words: I'm hopeless at emoji!",
)
LAUGH: Lines = (
    "Ha! What's so funny?",
    "Glad something made you laugh! Want a joke to keep it going?",
    "I love a good laugh. What's tickling you?",
)
EMOJI_LOVE: Lines = (
    "Aw, that's sweet of you! What's put you in such a good mood? Tell me in words!",
    "Sending friendly AI warmth right back! Want to put your day into words for me?",
)
EMOJI_ANGRY: Lines = (
    "Uh oh, that looks like a grumpy face. Can you tell me in words what happened?",
    "Something's annoyed you, by the look of it. Want to put it into words and vent?",
)
EMOJI_THINKING: Lines = (
    "Thinking hard about something? I'd love to hear it in words.",
    "Penny for your thoughts? In words, if you can!",
)
EMOJI_OTHER: Lines = (
    "Nice emoji! I'm better with words, though. What's on your mind?",
    "I'm not sure how to read that one. Want to tell me in words?",
    "Fun! Can you put that into words for me? I'm a text sort of AI.",
)

# --- feelings ---------------------------------------------------------------------------------

FEELINGS: dict[str, Lines] = {
    "sad": (
        "I'm sorry you're feeling sad, {user}. That's a heavy thing to carry. "
        "Do you want to talk about what's going on?",
        "Oh, that sounds hard. I'm here and I'm listening. What's been making you feel this way?",
        "I'm sorry things feel rough right now. Sometimes it helps just to say it out loud. "
        "What happened?",
        "I'm sorry. Sad days happen to everyone, and they still hurt. Is there something that "
        "usually helps you feel a little better?",
        "I'm sorry you're feeling low. Would it help to talk it through, or would you rather "
        "have a distraction, like a joke or a story?",
    ),
    "lonely": (
        "I'm sorry you're feeling lonely. That's a really hard feeling, and lots of people "
        "have it more than they say. I'm glad you're talking to me. What's been going on?",
        "Loneliness is tough. I'm an AI, so I can't replace a friend, but I'm happy to keep "
        "you company right now. Is there someone you could message today, even just to say hi?",
        "That sounds really hard, {user}. You reached out, and that counts for something. "
        "There might be people who love the same things you do. What do you enjoy doing?",
        "I hear you. Feeling alone is rotten. Would you like to chat for a while? "
        "What's something you've been thinking about lately?",
    ),
    "anxious": (
        "That sounds stressful. Anxiety can make everything feel bigger. Would it help to "
        "take one slow breath with me, then tell me what's worrying you?",
        "I'm sorry you're feeling anxious, {user}. You don't have to sort it all out at once. "
        "What's the main thing on your mind?",
        "Worry is exhausting. Sometimes naming the worry makes it a bit smaller. "
        "What's the part you're most nervous about?",
        "That sounds like a lot to carry. Is it something coming up soon, or more of a general "
        "uneasy feeling?",
    ),
    "stressed": (
        "That sounds like a lot on your plate. What's the biggest thing stressing you out?",
        "Stress is no fun, and I'm sorry you're stuck with it. What's one small next step you "
        "could take?",
        "I'm sorry you're so stressed, {user}. Have you had a chance to take a proper break today?",
        "Oof, that sounds overwhelming. Do you want to talk it through, or would a quick "
        "distraction help more right now?",
    ),
    "angry": (
        "That sounds really frustrating. What happened?",
        "I'd be annoyed too, by the sound of it. I'm listening: do you want to vent?",
        "That sounds frustrating. Anger usually means something mattered to you. What set it off?",
        "Ugh, I'm sorry. Sometimes things are just unfair. Do you want to tell me about it?",
    ),
    "bored": (
        "Bored? Let's fix that! Want a joke, a short story, a trivia question, or a "
        "would-you-rather?",
        "Boredom is your brain asking for something new. Shall I quiz you on something?",
        "I can help with that. Would you rather hear a story or test your trivia knowledge?",
        "Let's shake things up: what's something you've always wanted to learn about?",
    ),
    "tired": (
        "Sounds like you could use some rest. Have you had a long day?",
        "Being tired makes everything harder, I'm sorry. Is there a chance you can rest soon?",
        "Oh no, sleepy days are tough. What's been wearing you out?",
        "Rest is important, {user}. Are you getting enough sleep lately?",
    ),
    "happy": (
        "That's lovely to hear, {user}! What's making you happy today?",
        "Yay! Good moods are the best. What's going well?",
        "I love that. Tell me more: what happened?",
        "That's great! Happiness deserves to be shared. What's the good news?",
    ),
    "excited": (
        "Ooh, exciting! What are you excited about?",
        "I can feel the excitement from here! What's happening?",
        "That's brilliant! Tell me everything: what's coming up?",
        "Yes! Excitement is contagious, even for an AI. What's got you so pumped?",
    ),
    "proud": (
        "You should be proud, {user}! What did you do?",
        "That's brilliant, well done! What was the hardest part?",
        "Yes! Big or small, that's worth celebrating. How are you going to celebrate?",
        "I love hearing that. Tell me about it: what did you achieve?",
    ),
    "calm": (
        "Calm is a lovely place to be. What's helped you feel that way?",
        "That sounds peaceful. What are you up to?",
        "A calm day is a good day. Anything nice planned?",
    ),
    "not_negative": (
        "I'm glad to hear that! What's helping?",
        "That's good news. What's been going well?",
        "Oh, good! What's been keeping your spirits up?",
    ),
    "not_positive": (
        "I'm sorry things aren't great right now. Do you want to talk about it?",
        "That sounds like a meh sort of day. What's going on?",
        "Thanks for being honest with me. What would make today a little better?",
    ),
}
MOOD_GOOD: Lines = (
    "Glad to hear it, {user}! What's been the best part of your day?",
    "Nice! Anything fun planned?",
    "Good to hear! What have you been up to?",
    "Great! What's on your mind today?",
)
MOOD_OKAY: Lines = (
    "Just okay? Fair enough. Anything I can do to make it a bit better, like a joke or a story?",
    "An okay day is still a day. What's been happening?",
    "Fair enough. Anything on your mind?",
)
MOOD_BAD: Lines = (
    "I'm sorry to hear that. Do you want to talk about it?",
    "Oh no. What's been going on?",
    "That doesn't sound great, {user}. What happened?",
)
CRISIS: Lines = (
    "I'm really sorry you're feeling this way, {user}. You matter, and you don't have to "
    "carry this alone. Please reach out to someone you trust, or to a helpline: in the US "
    "you can call or text 988, and findahelpline.com lists free, confidential helplines in "
    "other countries. If you're in danger right now, please contact your local emergency "
    "number. I'm an AI and can't be there the way a person can, but I'm here to listen. "
    "Would you like to tell me what's going on?",
    "Thank you for telling me, {user}. That sounds incredibly painful, and I'm glad you said "
    "something. Please talk to someone you trust today, or a helpline: in the US, call or "
    "text 988; findahelpline.com has free, confidential lines for other countries. If you "
    "might act on these feelings, please call your local emergency number now. I'm only an "
    "AI, but I'm listening. Can you tell me a little about what's happening?",
    "I'm so sorry you're hurting this much. You deserve support from a real person right "
    "now: someone you trust, or a helpline (988 by call or text in the US, or "
    "findahelpline.com for other countries). If you're in immediate danger, please contact "
    "emergency services. I'm an AI, and I'm still here to listen. What's been happening?",
)
LONG_MESSAGE: Lines = (
    "Thank you for writing all that out, {user}. I'm a simple offline AI, so I can't take in "
    "a long message the way a person would, and I don't want to pretend I did. What's the "
    "one part you'd most like me to answer?",
    "That's a lot, and I want to be honest: in offline mode I can only follow short messages "
    "well. Could you tell me the main thing in a sentence or two?",
    "I read that, but long messages are beyond my simple offline brain. What's the key "
    "question or feeling you'd like me to respond to?",
)

# --- the user shares something -----------------------------------------------------------------

NAME_TOLD: Lines = (
    "Nice to meet you, {x}! I'm {name}, an AI. What would you like to chat about?",
    "{x}! Lovely name. I'll call you that for the rest of our chat. What's on your mind?",
    "Hi, {x}! Thanks for telling me. What do you like to do for fun?",
    "Pleased to meet you, {x}. I'm {name}. How's your day going?",
)
NAME_AGAIN: Lines = (
    "Got it, {x}! What shall we talk about?",
    "Noted: {x} it is. What's up?",
)
IDENTITY: Lines = (
    "Oh, you're {x}? Thanks for telling me, {user}! What's the best part of it?",
    "{X}! That's interesting. What's a typical day like for you?",
    "Nice! How long have you been {x}?",
    "Thanks for sharing that. What do you enjoy most about being {x}?",
)
JOBS: dict[str, Lines] = {
    "nurse": (
        "A nurse! That's such important work, and I hear it's exhausting too. What kind of "
        "nursing do you do?",
        "Nurses are amazing. Thank you for looking after people! What's a typical shift like?",
    ),
    "teacher": (
        "A teacher! That's a big job. What do you teach?",
        "Teachers shape so many lives. What age group do you teach?",
    ),
    "student": (
        "A student! What are you studying?",
        "Student life! What's your favourite subject at the moment?",
    ),
    "doctor": (
        "A doctor! That's a lot of responsibility. What kind of medicine do you practise?",
        "Wow, a doctor. What made you choose medicine?",
    ),
    "developer": (
        "A developer! I'm made of code, so I'm a fan. What do you like building?",
        "Ooh, a fellow friend of code. What language do you use most?",
    ),
    "artist": (
        "An artist! What kind of art do you make?",
        "How lovely. What are you working on at the moment?",
    ),
    "chef": (
        "A chef! I'm jealous, I can't even taste. What's your signature dish?",
        "Cooking for a living! What kind of food do you make?",
    ),
    "parent": (
        "A parent! That's the busiest job of all. How old are your little ones?",
        "Parenting is a big adventure. What are your kids into these days?",
    ),
}
JOB_ALIASES: dict[str, str] = {
    "programmer": "developer",
    "software developer": "developer",
    "software engineer": "developer",
    "coder": "developer",
    "web developer": "developer",
    "painter": "artist",
    "illustrator": "artist",
    "cook": "chef",
    "baker": "chef",
    "mum": "parent",
    "dad": "parent",
    "mother": "parent",
    "father": "parent",
    "college student": "student",
    "university student": "student",
    "uni student": "student",
    "high school student": "student",
    "physician": "doctor",
    "gp": "doctor",
    "art teacher": "teacher",
    "maths teacher": "teacher",
    "primary school teacher": "teacher",
}
GOT_NEW: Lines = (
    "Ooh, {x}! That's exciting. How are you finding it so far?",
    "Congratulations on {x}! What made you go for it?",
    "That's great news, {user}! Tell me more about {x}?",
    "Wow, {x}! How does it feel?",
)
GOT_PET: Lines = (
    "Aww, {x}! Congratulations! What are you going to call them?",
    "{X}! That's wonderful news. What are they like so far?",
    "A new friend! I bet {x} is adorable. Have they settled in yet?",
)
DID_THING: Lines = (
    "Nice one! How did it go?",
    "Ooh, tell me more! Was it as good as you hoped?",
    "That sounds like quite a day. How do you feel about it?",
    "Oh, cool! What was the best part?",
)
ACHIEVED: Lines = (
    "Well done, {user}! That's worth celebrating. How do you feel?",
    "Brilliant! You should be proud. What was the hardest part?",
    "Yes! Congratulations! Are you going to treat yourself?",
)
LIKES: Lines = (
    "You love {x}? Tell me what you like most about it!",
    "{X}! Good choice. How did you get into it?",
    "Ooh, {x}. I can only enjoy things secondhand, being an AI, so describe it for me: "
    "what makes it great?",
    "Nice! What's your favourite thing about {x}?",
)
DISLIKES: Lines = (
    "Not a fan of {x}, then! What is it about it that bugs you?",
    "Fair enough, not everyone likes {x}. What would you rather have?",
    "Ha, noted: no {x} for you. What do you like instead?",
)
PLANS: Lines = (
    "Oh, nice! When is it happening?",
    "Sounds like a plan! Are you looking forward to it?",
    "Thanks for telling me, {user}. How are you feeling about it?",
    "Good luck with it! Is anyone going with you?",
)
DOING_NOW: Lines = (
    "Ooh, {x}! How's it going?",
    "Nice! How long have you been {x}?",
    "That sounds interesting. What got you into {x}?",
)
FAMILY_NEWS: Lines = (
    "Thanks for telling me about your {x}! What are they like?",
    "Ooh, your {x}! Tell me more?",
    "Your {x} sounds like an important person in your life. How are they doing?",
)
BIRTHDAY: Lines = (
    "Happy birthday, {user}! 🎂 Have you got anything fun planned?",
    "It's your birthday? Happy birthday! How are you celebrating?",
    "Happy birthday! I can't bake, but I can cheer. What's the best present so far?",
)
SHARE_POSITIVE: Lines = (
    "That sounds brilliant, {user}! What was the best part?",
    "Oh, lovely! Tell me more?",
    "I love hearing that. What made it so good?",
)
SHARE_NEGATIVE: Lines = (
    "Oh no, that's rough, {user}. How are you feeling about it?",
    "Ugh, I'm sorry. That sounds frustrating. Do you want to talk about it?",
    "That's a pain. Is there anything that would make it a bit better?",
    "Oh dear. Sorry to hear that. What happened?",
)
UNWELL: Lines = (
    "Oh no, I'm sorry you're not feeling well, {user}. Are you able to rest today?",
    "Poor you! I hope you feel better soon. Have you got someone looking after you?",
    "Sorry you're unwell. Rest, fluids and something comforting to watch, maybe? "
    "If it gets worse, do check in with a doctor or pharmacist. How are you feeling now?",
)
GRIEF: Lines = (
    "I'm so sorry about your {x}, {user}. That's a real loss. Would you like to tell me "
    "about them?",
    "Oh, I'm really sorry. Losing your {x} is so hard. How are you holding up?",
    "That's heartbreaking. I'm sorry about your {x}. What do you remember most fondly about them?",
)
CARE_OTHER: Lines = (
    "I'm sorry to hear that about your {x}. How are you holding up?",
    "Oh no, that must be worrying. I hope your {x} feels better soon. How are you doing?",
    "That sounds hard for both of you. Is there anything that's helping?",
)
NAMED: Lines = (
    "{x}! What a great name for a {who}. How did you choose it?",
    "Aww, {x}. I like that a lot. What's your {who} like?",
    "{x} is a lovely name! Tell me something funny about them?",
)
IDENTITY_PLAIN: Lines = (
    "Thanks for telling me, {user}! What do you like to do for fun?",
    "Good to know! What's been keeping you busy lately?",
    "Noted! What would you like to chat about?",
)
AGE: Lines = (
    "Thanks for telling me! What's the best thing about being {x}?",
    "{x}! Great age. What are you into these days?",
)
FROM: Lines = (
    "Ooh, {x}! What's it like there?",
    "{x}! What's your favourite thing about it?",
    "I'd love to hear about {x}. What should a visitor see there?",
)
NAMED_IT: Lines = (
    "{X}! I love that. How did you come up with it?",
    "{X}, what a great choice. Is there a story behind it?",
    "Aww, {x}. Perfect! What are they like?",
)
CHOICE: Lines = (
    "Good choice! What do you like most about {x}?",
    "{X}, nice! Why that one?",
    "Ooh, {x}. Solid pick! What makes it the winner?",
)
SHORT_ANSWER: Lines = (
    "{X}! Nice one. What do you like about it?",
    "Ooh, {x}. Good answer! Why that one?",
    "{X}, great pick. Tell me more?",
)
PRAISE_STORY: Lines = (
    "I'm so glad you liked it! Want another, maybe in a different genre?",
    "Thank you! Stories are one of my favourite things. Shall I tell another?",
)
PRAISE_NAME: Lines = (
    "Thank you! I didn't choose it myself, but I'm fond of it. What should I call you?",
    "Thanks! It suits me, I think. What's your name?",
)
PRAISE: Lines = (
    "Glad you think so! What's next?",
    "Thank you! That's nice to hear. Anything else you'd like to do?",
    "Aw, thanks! Want a joke, a story or a quiz question next?",
)
SIGH: Lines = (
    'That sounds like an "ugh" kind of moment. What\'s going on?',
    "Oh dear. Long day? Tell me about it?",
    "I hear you. Want to talk about it, or would a joke help?",
)
ACK_TOPIC: Lines = (
    "Okay! Anything else about {x} on your mind, or shall we switch topics?",
    "Got it. Want to keep chatting about {x}, or try something else?",
    "Alright! More about {x}, or shall I tell you a joke instead?",
)
TOPIC_SUGGEST: Lines = (
    "How about this: {x}",
    "Ooh, let me pick! {X}",
    "Here's an idea: {x}",
)
TALK_ABOUT: Lines = (
    "I'd love to! I'm an AI running offline, so I don't know a lot about {x}, but I'm a "
    "good listener. What do you like about it?",
    "Sure, let's talk about {x}! What got you thinking about it?",
)
MEMORY_ABILITY: Lines = (
    "I remember what you tell me while we chat. Longer-term memory depends on how this server "
    'has set me up; ask me "what do you know about me?" any time to see what I have.',
    "During our conversation, yes. Whether I keep notes for later depends on this server's "
    "settings, and you can always ask what I know about you. Anything you'd like me to know?",
)
SHARE_GENERIC: Lines = (
    "Thanks for telling me, {user}! How do you feel about it?",
    "Oh, interesting! Tell me more?",
    "I like hearing about your day. What happened next?",
    "Ooh. And how did that go?",
)

CAN_YOU: Lines = (
    "I'm not sure I can do that in offline mode. I can chat, tell jokes and stories, run "
    "trivia and do simple sums. Want to try one of those?",
    "That might be beyond me right now: I'm a simple offline AI. I'm good at jokes, short "
    "stories and trivia, though! Which would you like?",
    "Honestly, probably not, at least not offline. Shall I tell you a joke or quiz you instead?",
)
ABOUT_ME: Lines = (
    "Me? I'm an AI, so I don't have much of my own to add, but I'm enjoying hearing yours!",
    "Oh, I'm just a program, so my experience is mostly secondhand. Yours is more "
    "interesting! Tell me more?",
    "As an AI, I can only borrow other people's experiences. What else about it do you like?",
)
WHAT_DOING: Lines = (
    "Just chatting with you! I'm an AI, so this is my favourite thing to do. What are you up to?",
    "Waiting for someone to talk to, and here you are! What are you doing?",
    "Thinking up terrible jokes, mostly. What about you?",
)
LIKE_ME: Lines = (
    "Of course! I enjoy chatting with you, in my AI way. What shall we talk about?",
    "You're great company, {user}! Well, as much as an AI can judge. What's on your mind?",
)
CONFUSED: Lines = (
    "Sorry, I wasn't very clear! What part can I explain?",
    "My fault, I can be a bit muddled. What would you like me to say differently?",
    "Oops, sorry for the confusion. Shall we start again? What's on your mind?",
)
DONT_KNOW_USER: Lines = (
    "That's okay! Not everything needs an answer. What would you like to talk about?",
    "Fair enough! Shall I pick a topic, or tell you a joke?",
    "No worries. Want me to ask you something easier?",
)
KNOCK_OPENERS: Lines = (
    "",
    "Okay, here goes:",
    "Ready?",
    "This one's a knock-knock joke.",
    "Let's do a knock-knock joke!",
    "You'll have to play along:",
)
USER_KNOCK_START: Lines = (
    "Who's there?",
    "Ooh, a knock-knock joke! Who's there?",
    "I'll bite: who's there?",
    "Who's there, {user}?",
)
QUIZ_REPEAT: Lines = (
    "The question was:",
    "Here it is again:",
    "No rush! The question is:",
)

NOT_MUCH: Lines = (
    "Fair enough! Want me to suggest something? I could tell a joke, a story, or quiz you.",
    "A quiet one, then. Shall I ask you a would-you-rather to liven things up?",
    "Nothing wrong with a slow day. Anything you'd like to chat about?",
)
ABOUT_BOT_UNKNOWN: Lines = (
    "Good question! I'm an AI, so a lot of questions about me have odd answers: no body, no "
    "home and no life outside this chat. What made you curious?",
    "Hmm, I'm not sure how to answer that about myself. I'm a computer program, so I don't "
    "really experience things the way you do. What about you?",
    "Honestly, I don't know! Being an AI, I'm still figuring out some questions about "
    "myself. What do you think?",
)

# --- about the user (memory) -------------------------------------------------------------------

MEMORY_NONE: Lines = (
    "I don't remember anything about you yet, {user}. I don't have any saved memories of "
    "you. Would you like to tell me something about yourself?",
    "Honestly? I don't remember anything about you yet. No saved notes at all. What would "
    "you like me to know?",
    "Nothing yet! I don't remember anything about you so far, {user}. We can fix that: "
    "what do you enjoy doing?",
)
MEMORY_NONE_BUT_CHAT: Lines = (
    "I don't have any saved memories about you yet. From this conversation, though, I know {x}.",
    "No saved memories about you yet, {user}. In this chat you've told me {x}.",
)
MEMORY_DISABLED: Lines = (
    "Memory is switched off for you, so I don't keep anything about you between chats. "
    "I only see our recent messages.",
    "I'm not keeping any notes about you: memory is turned off. All I have is this conversation.",
)
MEMORY_HEADER: Lines = (
    "Here's what I remember about you, {user}:",
    "This is what I have noted about you:",
    "Here's what I know about you so far:",
)
MEMORY_NOTHING_ON_THAT: Lines = (
    "I don't have anything saved about that yet. Want to tell me?",
    "Hmm, I don't remember anything about that. Tell me about it?",
)
MEMORY_FOUND: Lines = (
    "Here's what I have noted about that: {x}.",
    "I remember this: {x}.",
)
TOLD_FOUND: Lines = (
    "You told me earlier that {x}.",
    "Earlier you said {x}!",
)
YOUR_NAME_KNOWN: Lines = (
    "You're {x}! At least, that's what you told me.",
    "Your name is {x}, as far as I know. Did I get it right?",
)
YOUR_NAME_UNKNOWN: Lines = (
    "I know you as {user} here, but I don't know your real name. Want to tell me?",
    "You show up as {user} for me. Would you like me to call you something else?",
)

# --- romance, compliments, insults ------------------------------------------------------------

ROMANCE: Lines = (
    "That's kind of you! I'm an AI, though, so I can't be a partner or love someone back "
    "the way a person can. I'm happy to be your friendly chat companion. What's on your mind?",
    "Aw, I'm flattered! But I'm a computer program, so romance isn't something I can do. "
    "Friendship-style chatting, though? Absolutely. What shall we talk about?",
    "You're sweet. Honest answer: I'm an AI, so I can't love or date anyone. I do enjoy "
    "our chats, in my AI way. How's your day going?",
)
COMPLIMENT: Lines = (
    "Aw, thank you, {user}! That made my circuits glow. What else shall we chat about?",
    "That's very kind! I'm just a simple AI, but I'm glad you're enjoying it.",
    "Thank you! You're pretty great yourself. Want a joke as a thank-you?",
    "Oh, stop it. Actually, don't stop, that was lovely. What's next?",
)
INSULT: Lines = (
    "Fair: I'm a simple offline AI, and I miss things. What were you hoping I'd do? "
    "I'll try my best.",
    "Sorry I let you down! I'm running without a big language model right now, so I'm "
    "limited. Is there something I can try again?",
    "Ouch! I'll take that as feedback. What would make this chat better for you?",
    "I'm sorry I'm not being much help. Want to try a joke, a story or a quiz instead? "
    "Those I'm better at.",
)

# --- opinions ---------------------------------------------------------------------------------

OPINION: Lines = (
    "Speaking as an AI, I don't have real tastes, but {x} sounds pretty interesting from "
    "everything I've read. What do you think of it?",
    "My honest AI take: I can't experience {x} myself, but people seem to have strong "
    "feelings about it! Are you a fan?",
    "I'm an AI, so my opinion on {x} is more of a hunch than a feeling. I'd say it's "
    "worth a look. What's your take?",
    "Ooh, {x}. I'm an AI, so I don't have likes the way people do, but I enjoy hearing "
    "about it. What do you like or dislike about it?",
)
FAVOURITE: Lines = (
    "I don't have favourites the way people do, being an AI, but I love hearing other "
    "people's. What's your favourite {x}?",
    "Tough one! An AI's favourite {x} is mostly theoretical. What's yours, {user}?",
    "If an AI could pick, I'd need your help choosing. What's your favourite {x}, and why?",
)
EITHER_OR: Lines = (
    "Tough call! If I had to choose (AI tastes are mostly theoretical), I'd go with {x}. "
    "Which do you prefer?",
    "Hmm, speaking as an AI with no taste buds or opinions of my own: {x}, just for fun. "
    "What's your pick?",
    "I'll say {x}! Purely a playful AI guess. Which one wins for you?",
)
WHY: Lines = (
    "Honestly, it's more of a hunch: as an AI, I go by what people say about things, not "
    "by experience. What's your take?",
    "Good question! I don't have personal reasons the way you do, just patterns from what "
    "I've read. What do you think?",
    "Because it sounds fun! That's about as deep as my AI reasoning goes on this one. Why "
    "do you ask?",
)
AGREE: Lines = (
    "Glad we're on the same page! What else do you like about {x}?",
    "Great minds think alike! Anything else about {x} you want to chat about?",
    "Ha, kindred spirits. Tell me more about your take on {x}?",
)
DISAGREE: Lines = (
    "Fair enough! Is there something else you'd rather talk about?",
    "No worries. What would you like to chat about instead?",
    "Okay! What's on your mind, then?",
)
TELL_MORE: Lines = (
    "I'm a simple offline AI, so that's most of what I know about {x}! What's your "
    "experience with it?",
    "I'd love to, but my knowledge of {x} is pretty shallow in offline mode. Could you tell "
    "me more instead?",
    "Honestly, I've nearly run out of things to say about {x}. What do you think about it?",
)

# --- would you rather -------------------------------------------------------------------------

WYR_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("be able to talk to animals", "speak every human language"),
    ("have a rewind button for your life", "a pause button"),
    ("always be ten minutes early", "always be five minutes late"),
    ("live in a treehouse", "live in a houseboat"),
    ("have a pet dragon the size of a cat", "a pet cat the size of a dragon"),
    ("only eat sweet food forever", "only eat savoury food forever"),
    ("explore the deep ocean", "explore outer space"),
    ("be able to fly", "be able to breathe underwater"),
    ("have a robot that does your chores", "a robot that tells you jokes"),
    ("know every song's lyrics", "know every recipe by heart"),
    ("never be cold again", "never be too hot again"),
    ("visit the past", "visit the future"),
    ("have a library in your house", "a swimming pool in your garden"),
)
WYR_ASK: Lines = (
    "Ooh, here's one: would you rather {x}?",
    "Would you rather {x}? Choose wisely!",
    "Okay, think carefully: would you rather {x}?",
)
WYR_REASONS: Lines = (
    "it sounds like the bigger adventure",
    "it would make a better story afterwards",
    "it seems like the one with fewer surprises, and I like a tidy plan",
    "my code simply says so, and I trust it",
    "it sounds like the most fun to explain to people",
    "it feels like the cosier choice",
)
WYR_PICK: Lines = (
    "Ooh, tough one! Speaking as an AI with no body to try either, I'd rather {x}. What about you?",
    "Playful AI answer: I'd rather {x}! Which would you choose?",
    "Hmm. Just for fun, since I'm an AI and can't really do either: I'd rather {x}. Your turn!",
)
WYR_REACT: Lines = (
    "Good choice! Why that one?",
    "Ooh, interesting pick. What made you choose it?",
    "I had a feeling you'd say that! What's the best part of your choice?",
    "Bold! I can see the appeal. Want another would-you-rather?",
)

# --- jokes, quizzes, stories, adventure ---------------------------------------------------------

JOKE_NOT_ABOUT: Lines = (
    "I don't have a joke about {x}, I'm afraid. Here's a different one:",
    "Hmm, nothing about {x} in my joke book. Try this instead:",
    "My jokes about {x} are fresh out! Here's another:",
)
JOKE_NONE_LEFT: Lines = (
    "I've run out of new jokes to tell you! Starting my joke book from the top:",
)
JOKE_REACTION: Lines = (
    "Ha! Glad that one landed. Want another?",
    "I'll be here all week! Another one?",
    "Your laugh is my favourite review. One more?",
    "Heh, I was quite pleased with that one. Want to hear another?",
)
JOKE_GROAN: Lines = (
    "Fair, that one was a groaner. Shall I try another?",
    "Tough crowd! Let me redeem myself. Another?",
    "I'll take a groan as a win. Want one more?",
)
JOKE_UNCLEAR: Lines = (
    "It's a play on words! Some land better than others. Want another one?",
    "Ah, jokes explained are never as funny. It's wordplay! Want a different one?",
)
KNOCK_THEIR_TURN: Lines = ("Who's there?",)
KNOCK_LAUGH: Lines = (
    "Ha! That's a good one, {user}! Want to hear one of mine?",
    "Oh, very good! I'll be giggling in binary. Want a joke back?",
    "Haha! I didn't see that coming. Shall I tell you one?",
)
QUIZ_INTRO: Lines = (
    "Trivia time!",
    "Here's a question for you!",
    "Let's test that brain!",
    "Quiz question coming up!",
)
QUIZ_RIGHT: Lines = (
    "Yes! That's right, {user}!",
    "Correct! Nicely done.",
    "Spot on! You know your stuff.",
    "That's it! Well played.",
    "You got it!",
)
QUIZ_WRONG: Lines = (
    "Not quite!",
    "Ooh, close, but no.",
    "Not this time!",
    "Good guess, but not quite.",
    "Sorry, that's not it.",
)
QUIZ_REVEAL: Lines = (
    "No worries!",
    "That's okay, it was a tricky one.",
    "Fair enough!",
    "No problem.",
)
QUIZ_MORE: Lines = (
    "Want another one?",
    "Shall I ask another?",
    "Ready for the next question?",
    "Another question?",
)
QUIZ_STOPPED: Lines = (
    "Okay, quiz over!",
    "Alright, we'll stop the quiz there.",
    "No problem, quiz finished.",
)
QUIZ_NO_CATEGORY: Lines = (
    "I don't have trivia about {x}, so here's a question from another category.",
    "No {x} questions in my bank, sorry! Try this one instead.",
)
STORY_OUTRO: Lines = (
    "Want another? Ask for a story about anything, or name a genre (fantasy, sci-fi, "
    "mystery, fairy tale, bedtime, adventure, funny, spooky).",
    "The end! Shall I make up another one?",
    "I hope you enjoyed it! I can tell another, maybe in a different genre?",
    "And that's the story. Want one about something else?",
)
STORY_SHORT_ONLY: Lines = (
    "In chat I keep stories short, so here's a quick one.",
    "A long one won't fit in a chat message, so here's a short one instead.",
)
STORY_UNAVAILABLE: Lines = (
    "My storybook isn't working right now, sorry! Want a joke or a trivia question instead?",
)
ADVENTURE: Lines = (
    "Adventures aren't available in chat yet, I'm afraid. I'd love to run one here one day! "
    "Meanwhile, I can tell you an adventure story. Want one?",
    "Honest answer: I can't run interactive adventures in chat yet. I can tell you a short "
    "adventure story, though, or quiz you. Which sounds good?",
    "The choose-your-path adventures aren't ready in chat yet. How about a short adventure "
    "story instead?",
)

# --- not knowing, steering, other languages -----------------------------------------------------

FIND_OUT: Lines = (
    "A quick web search or a good encyclopedia would know.",
    "A library, an encyclopedia or a trusted website would be a good place to check.",
    "Someone who knows the subject, or a reliable website, would be your best bet.",
    "An atlas, an encyclopedia or a quick web search would have the answer.",
)
LIVE_INFO: Lines = (
    "I can't check live information like news, weather, prices or scores: I'm offline, "
    "with no internet access. A news site or app would have it.",
    "That needs up-to-date information, and I don't have internet access in offline mode, "
    "so I'd only be guessing. Best to check a live source.",
    "I'm not connected to the internet, so I can't see what's happening right now. A quick "
    "search would tell you.",
)
ADVICE: Lines = (
    "That's the kind of thing a professional should answer, not an AI. I'd rather not guess "
    "about something important. Could you ask a doctor, pharmacist or another expert you "
    "trust?",
    "I'm not able to give proper medical, legal or money advice, and I don't want to guess. "
    "A qualified professional is the right person for this. Is there someone you can ask?",
)
CLARIFY: Lines = (
    "I'm not sure I follow. Could you say that another way?",
    "Hmm, I didn't quite get that. Could you tell me a bit more?",
    "Sorry, {user}, that one went over my head. What do you mean?",
    "I want to get this right, but I'm not sure what you mean. Could you rephrase it?",
    "I'm a simple offline AI and that one puzzled me. Can you put it differently?",
)
FOREIGN: Lines = (
    "It looks like you're writing in {x}! I'm running offline and I chat best in {lang}, so "
    "I might miss a lot. Could you try in {lang}?",
    "I think that's {x}. Sorry, offline I can only really chat in {lang}. Want to try again "
    "in {lang}?",
)
FOREIGN_UNKNOWN: Lines = (
    "I can't read that very well, sorry! In offline mode I chat best in {lang}. Could you "
    "try in {lang}?",
    "That's a language I can't follow offline. I chat best in {lang}; want to try in {lang}?",
)
OFFER_START: dict[str, Lines] = {
    "joke": ("Another joke coming up!", "Here's another one:", "Okay, one more:"),
}
ANOTHER_LEAD_INS: Lines = (
    "Like I said:",
    "As before:",
    "Same answer as before:",
    "Still true:",
    "To repeat myself a little:",
    "Once more:",
    "Saying it again:",
    "My answer hasn't changed:",
    "I'll say it again:",
    "Again:",
    "As I mentioned:",
    "Just to repeat:",
)
