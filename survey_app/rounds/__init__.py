"""Survey rounds (Đợt khảo sát): who was visited, answers confirmed again, villages signed off."""
